#!/usr/bin/env node
// Writes the Grafana dashboards in deploy/grafana/dashboards/ from the panel
// lists below, so the four platform dashboards and the six per-service ones
// share their panels and stay alike. Run it after changing a panel:
//   node deploy/grafana/generate.mjs          (writes the files)
//   node deploy/grafana/generate.mjs --check  (fails when a file is not current)
// Every query is checked against a running Prometheus scraping the real
// services by tests/cross-service/monitoring/prometheus.spec.ts.
//
// Each dashboard picks its Prometheus with the variable `datasource`, so it
// imports into any Grafana (Dashboards > New > Import) without editing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/**
 * What each service does, which decides which of the per-service panels have
 * anything to show: the gateway serves HTTP; grid, dispatch, admission, org
 * and timebank publish events; all of them but grid consume them.
 */
export const SERVICES = {
  gateway: { http: true },
  org: { publishes: true, consumes: true },
  grid: { publishes: true },
  dispatch: { publishes: true, consumes: true, timers: true },
  timebank: { publishes: true, consumes: true },
  admission: { publishes: true, consumes: true },
};

// ------------------------------------------------------------------ panels

/** A time series panel; `unit` is Grafana's (s, percentunit, short, bytes, reqps). */
const series = (title, targets, { unit = 'short', description, thresholds } = {}) => ({
  type: 'timeseries',
  title,
  description,
  datasource: DATASOURCE,
  fieldConfig: {
    defaults: {
      unit,
      custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', ...(thresholds ? { thresholdsStyle: { mode: 'dashed' } } : {}) },
      ...(thresholds ? { thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, ...thresholds] } } : {}),
    },
    overrides: [],
  },
  options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
  targets: targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr, legendFormat })),
});

/** A single-number panel, red from `red` on (green below). */
const stat = (title, expr, { unit = 'short', red = 1, legendFormat = '', description, reverse = false } = {}) => ({
  type: 'stat',
  title,
  description,
  datasource: DATASOURCE,
  fieldConfig: {
    defaults: {
      unit,
      thresholds: {
        mode: 'absolute',
        steps: reverse ? [{ color: 'red', value: null }, { color: 'green', value: red }] : [{ color: 'green', value: null }, { color: 'red', value: red }],
      },
    },
    overrides: [],
  },
  options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', graphMode: 'none', textMode: 'auto' },
  targets: [{ refId: 'A', datasource: DATASOURCE, expr, legendFormat, instant: true }],
});

const row = (title) => ({ type: 'row', title, collapsed: false, panels: [] });

// Panels shared by several dashboards; `s` is a label matcher such as `service="dispatch"` or empty.
const m = (s, extra = '') => {
  const matchers = [s, extra].filter(Boolean).join(',');
  return matchers ? `{${matchers}}` : '';
};

const health = (s) => [
  stat('Targets up', `sum by (service) (up${m(s, 'job="gridwork"')})`, { legendFormat: '{{service}}', red: 1, reverse: true, description: 'Replicas Prometheus scrapes, per service (GridworkServiceDown).' }),
  stat('Replicas ready', `sum by (service) (gov_service_ready${m(s)})`, { legendFormat: '{{service}}', red: 1, reverse: true, description: 'Replicas whose /health/ready answers 200 (GridworkServiceNotReady).' }),
  stat('Dependencies down', `sum by (dependency) (1 - gov_dependency_up${m(s)})`, { legendFormat: '{{dependency}}', description: 'Replicas that cannot reach PostgreSQL or NATS (GridworkPostgresUnreachable, GridworkNatsUnreachable).' }),
];

const requests = (s, by = 'service') => [
  series('Requests per second', [[`sum by (${by}) (gridwork:requests:rate5m${m(s)})`, `{{${by}}}`]], { unit: 'reqps' }),
  series('Failed requests (INTERNAL, UNAVAILABLE)', [[`max by (${by}) (gridwork:request_errors:ratio_rate5m${m(s)})`, `{{${by}}}`]], {
    unit: 'percentunit',
    thresholds: [{ color: 'red', value: 0.01 }],
    description: 'Share of requests the service failed (refusals such as VALIDATION_FAILED are answers, not failures). Objective: under 1%.',
  }),
  series('p95 latency', [[`max by (${by}) (gridwork:request_duration_seconds:p95_5m${m(s)})`, `{{${by}}}`]], {
    unit: 's',
    thresholds: [{ color: 'red', value: 0.25 }],
    description: 'Objective: 250 ms for every endpoint, 50 ms for intake (gov.dispatch.case.report).',
  }),
  series('Answers by outcome', [[`sum by (outcome) (rate(gov_requests_total${m(s)}[$__rate_interval]))`, '{{outcome}}']], { unit: 'reqps' }),
];

/** The gateway's HTTP edge: answers by status (refusals such as 401, 403 and 429 among them) and latency by route pattern. */
const http = (s) => [
  series('HTTP answers by status', [[`sum by (status) (rate(gov_http_requests_total${m(s)}[$__rate_interval]))`, '{{status}}']], { unit: 'reqps' }),
  // `or vector(0)`: a quiet gateway refused nothing, which is a zero, not "no data".
  series('HTTP refusals (401, 403, 429)', [[`sum by (status) (rate(gov_http_requests_total${m(s, 'status=~"401|403|429"')}[$__rate_interval])) or label_replace(vector(0), "status", "none", "", "")`, '{{status}}']], {
    unit: 'reqps',
    description: 'Sign-ins missing or refused (401), people acting outside their grants (403), rate limits (429: counted here, not written to the audit record).',
  }),
  series('HTTP p95 latency by route', [[`histogram_quantile(0.95, sum by (le, route) (rate(gov_http_request_duration_seconds_bucket${m(s)}[$__rate_interval])))`, '{{route}}']], { unit: 's' }),
  series('HTTP server errors (5xx)', [[`(sum(rate(gov_http_requests_total${m(s, 'status=~"5.."')}[$__rate_interval])) or vector(0)) / sum(rate(gov_http_requests_total${m(s)}[$__rate_interval]))`, 'share of answers']], {
    unit: 'percentunit',
    thresholds: [{ color: 'red', value: 0.01 }],
  }),
];

const queues = (s) => [
  series('Consumer pending', [[`gridwork:consumer_pending_messages:max${m(s)}`, '{{service}} ← {{stream}}']], { description: 'Events in a source stream not yet delivered to the consumer (GridworkConsumerFallingBehind).' }),
  series('Consumer ack-pending and redelivered', [
    [`max by (service, stream) (gov_consumer_ack_pending_messages${m(s)})`, 'ack-pending {{service}} ← {{stream}}'],
    [`max by (service, stream) (gov_consumer_redelivered_messages${m(s)})`, 'redelivered {{service}} ← {{stream}}'],
  ]),
  series('Events handled by outcome', [[`sum by (service, outcome) (rate(gov_events_consumed_total${m(s)}[$__rate_interval]))`, '{{service}} {{outcome}}']], { unit: 'ops' }),
  series('Event delay p95 (stream to applied)', [[`gridwork:slo_event_delay_seconds:p95_5m${m(s)}`, '{{service}} ← {{stream}}']], {
    unit: 's',
    thresholds: [{ color: 'red', value: 1 }],
    description: 'Objective: 95% of events applied within 1 s of reaching their stream.',
  }),
  series('Events applied within 1 s', [[`gridwork:slo_event_delay_within_objective:ratio_rate5m${m(s)}`, '{{service}} ← {{stream}}']], {
    unit: 'percentunit',
    description: 'Objective: 95% or more (GridworkEventDelayObjectiveMissed).',
  }),
];

const deadLetters = (s) => [
  stat('Dead letters', `sum(gridwork:dead_letter_messages:max${m(s)})`, { description: 'Events given up on, waiting for a replay (GridworkDeadLetters).' }),
  series('Dead letters by stream', [[`gridwork:dead_letter_messages:max${m(s)}`, '{{stream}}']]),
];

const outbox = (s) => [
  series('Outbox backlog', [[`gridwork:outbox_pending_events:max${m(s)}`, '{{service}}']], { description: 'Events committed and not yet published (GridworkOutboxBacklogGrowing).' }),
  series('Outbox publish delay p95', [[`gridwork:slo_outbox_publish_delay_seconds:p95_5m${m(s)}`, '{{service}}']], { unit: 's', thresholds: [{ color: 'red', value: 1 }] }),
  series('Events published per second', [[`sum by (service) (rate(gov_outbox_published_total${m(s)}[$__rate_interval]))`, '{{service}}']], { unit: 'ops' }),
];

const intake = () => [
  series('Reports per second by outcome', [[`sum by (outcome) (rate(gov_requests_total{service="dispatch",subject="gov.dispatch.case.report"}[$__rate_interval]))`, '{{outcome}}']], { unit: 'reqps' }),
  series('Intake p95', [['gridwork:slo_intake_duration_seconds:p95_5m', 'p95']], { unit: 's', thresholds: [{ color: 'red', value: 0.05 }], description: 'Objective: p95 within 50 ms.' }),
  stat('Reports answered within 50 ms', 'gridwork:slo_intake_within_objective:ratio_rate5m', { unit: 'percentunit', red: 0.95, reverse: true, description: 'Objective: 95% or more.' }),
];

const timers = () => [
  series('Oldest due timer waiting', [['max(gov_dispatch_timer_lag_seconds)', 'lag']], { unit: 's', thresholds: [{ color: 'red', value: 60 }], description: 'GridworkDeadlineTimersLate at 60 s.' }),
  series('Timers fired by kind', [['sum by (kind) (rate(gov_dispatch_timers_fired_total[$__rate_interval]))', '{{kind}}']], { unit: 'ops' }),
  series('Timer lateness p95', [['gridwork:slo_timer_lateness_seconds:p95_5m', 'p95']], { unit: 's', thresholds: [{ color: 'red', value: 5 }], description: 'Objective: 95% of timers fire within 5 s of their moment.' }),
  stat('Timers fired within 5 s', 'gridwork:slo_timer_lateness_within_objective:ratio_rate5m', { unit: 'percentunit', red: 0.95, reverse: true }),
];

const notices = () => [
  series('Notices waiting per department', [['max by (department) (gov_dispatch_department_notices_pending)', '{{department}}']], { description: 'Notices a department has not acknowledged.' }),
  series('Oldest waiting notice per department', [['max by (department) (gov_dispatch_department_notices_oldest_waiting_seconds)', '{{department}}']], {
    unit: 's',
    thresholds: [{ color: 'red', value: 1800 }],
    description: 'GridworkDepartmentNoticesNotPulled at 30 minutes.',
  }),
];

const process_ = (s) => [
  series('CPU', [[`sum by (instance) (rate(process_cpu_seconds_total${m(s)}[$__rate_interval]))`, '{{instance}}']], { unit: 'percentunit' }),
  series('Resident memory', [[`max by (instance) (process_resident_memory_bytes${m(s)})`, '{{instance}}']], { unit: 'bytes' }),
  series('Event loop lag p99', [[`max by (instance) (nodejs_eventloop_lag_p99_seconds${m(s)})`, '{{instance}}']], { unit: 's' }),
];

// -------------------------------------------------------------- dashboards

/** Lays panels out on Grafana's 24-column grid: rows full width, stats 4 wide, series 12. */
function layout(sections) {
  const panels = [];
  let y = 0;
  let id = 1;
  for (const [title, items] of sections) {
    panels.push({ ...row(title), id: id++, gridPos: { h: 1, w: 24, x: 0, y: y++ } });
    let x = 0;
    let height = 0;
    for (const panel of items) {
      const w = panel.type === 'stat' ? 4 : 12;
      const h = panel.type === 'stat' ? 4 : 8;
      if (x + w > 24) {
        x = 0;
        y += height;
        height = 0;
      }
      panels.push({ ...panel, id: id++, gridPos: { h, w, x, y } });
      x += w;
      height = Math.max(height, h);
    }
    y += height;
  }
  return panels;
}

const dashboard = (uid, title, description, sections) => ({
  uid,
  title,
  description,
  tags: ['gridwork'],
  timezone: 'browser',
  schemaVersion: 39,
  version: 1,
  editable: true,
  graphTooltip: 1,
  refresh: '30s',
  time: { from: 'now-3h', to: 'now' },
  templating: {
    list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1, regex: '', options: [] }],
  },
  annotations: { list: [] },
  links: [{ title: 'Gridwork', type: 'dashboards', tags: ['gridwork'], asDropdown: true }],
  panels: layout(sections),
});

export function dashboards() {
  const all = {
    'gridwork-overview.json': dashboard('gridwork-overview', 'Gridwork: overview', 'The whole platform at a glance: health, requests, queues, intake and deadlines.', [
      ['Health', health('')],
      ['Requests', requests('').slice(0, 3)],
      ['Queues', [...deadLetters('').slice(0, 1), queues('')[0], outbox('')[0]]],
      ['Intake and deadlines', [intake()[2], timers()[3], intake()[1], timers()[0], notices()[1]]],
    ]),
    'gridwork-queues.json': dashboard('gridwork-queues', 'Gridwork: queues and dead letters', 'Durable consumers, dead letters and the transactional outbox of every service.', [
      ['Dead letters', deadLetters('')],
      ['Consumers', queues('')],
      ['Outbox', outbox('')],
    ]),
    'gridwork-intake-deadlines.json': dashboard('gridwork-intake-deadlines', 'Gridwork: intake and deadlines', 'Unified intake (dispatch), deadline timers and department notices against their objectives.', [
      ['Intake', intake()],
      ['Deadline timers', timers()],
      ['Department notices', notices()],
    ]),
  };
  for (const [service, does] of Object.entries(SERVICES)) {
    const s = `service="${service}"`;
    const sections = [
      ['Health', health(s)],
      ['Requests by endpoint', requests(s, 'subject')],
    ];
    if (does.http) sections.push(['HTTP', http(s)]);
    if (does.consumes) sections.push(['Consumers', queues(s)]);
    sections.push(['Dead letters', deadLetters(s)]);
    if (does.publishes) sections.push(['Outbox', outbox(s)]);
    if (does.timers) sections.push(['Deadline timers', timers()], ['Department notices', notices()]);
    sections.push(['Process', process_(s)]);
    all[`gridwork-service-${service}.json`] = dashboard(`gridwork-service-${service}`, `Gridwork: ${service}`, `The ${service} service: health, endpoints, queues and process.`, sections);
  }
  return Object.fromEntries(Object.entries(all).map(([file, d]) => [file, `${JSON.stringify(d, null, 2)}\n`]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  mkdirSync(OUT, { recursive: true });
  const stale = [];
  for (const [file, text] of Object.entries(dashboards())) {
    const path = join(OUT, file);
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // not written yet
    }
    if (current === text) continue;
    if (check) stale.push(file);
    else writeFileSync(path, text);
  }
  if (stale.length > 0) {
    process.stderr.write(`deploy/grafana/dashboards is not current (${stale.join(', ')}): run node deploy/grafana/generate.mjs\n`);
    process.exit(1);
  }
}

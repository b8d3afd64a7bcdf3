import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { jetstream } from '@nats-io/jetstream';
import { operationsOf, subjects, type Case } from '@gridwork/contracts';
import type { ServiceDefinition } from '@gridwork/runtime';
import { testWorld, type TestWorld } from '@gridwork/runtime/test-world';
import { startPrometheus, waitFor, type PrometheusProcess } from '@gridwork/testing';
import { admissionService } from '@gridwork/admission-service/definition';
import { dispatchService } from '@gridwork/dispatch-service/definition';
import { gatewayService } from '@gridwork/gateway-service/definition';
import { GATEWAY_ENV } from '@gridwork/gateway-service/test-fixtures';
import { gridService } from '@gridwork/grid-service/definition';
import { orgService } from '@gridwork/org-service/definition';
import { timebankService } from '@gridwork/timebank-service/definition';
import { smallCity } from '@gridwork/grid-service/test-fixtures';

const ROOT = resolve(import.meta.dirname, '../../..');
const PROMETHEUS_DIR = join(ROOT, 'deploy/prometheus');
const DASHBOARDS_DIR = join(ROOT, 'deploy/grafana/dashboards');
const SERVICES: ServiceDefinition[] = [gatewayService, orgService, gridService, dispatchService, timebankService, admissionService];
/** Inside grid T01010101 (west) of the small city. */
const WEST = { longitude: 113.005, latitude: 23.01 };

/** Every metric selector in a PromQL expression: our metric and recorded names, and `up`, each with its matchers as written. */
const selectorsOf = (expr: string): string[] =>
  [...expr.matchAll(/(?<![\w:$])((?:gov_|gridwork:|nodejs_|process_)[A-Za-z0-9_:]*|up)(\{[^}]*\})?/g)].map((m) => `${m[1]}${m[2] ?? ''}`);

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}
const rules = (): Rule[] =>
  readdirSync(join(PROMETHEUS_DIR, 'rules')).flatMap((file) =>
    parse(readFileSync(join(PROMETHEUS_DIR, 'rules', file), 'utf8')).groups.flatMap((g: { rules: Rule[] }) => g.rules),
  );

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string }[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: string }[] };
}
const dashboards = (): [string, Dashboard][] =>
  readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(DASHBOARDS_DIR, f), 'utf8'))]);

/**
 * What `problems` still finds once Prometheus has caught up: asked again every
 * half second for up to 20 s (a rate needs two scrapes of a series, a recorded
 * series a rule evaluation after that), the last answer kept.
 */
async function settled(problems: () => Promise<string[]>): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await problems();
    if (found.length === 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Grafana's own variables, as Grafana would fill them over this test's short history. */
const asGrafana = (expr: string) => expr.replaceAll('$__rate_interval', '1m');

/**
 * Operators' monitoring, end to end: the six services run on loopback with
 * their own databases and NATS server, a real Prometheus (Debian's package)
 * scrapes them every second with deploy/prometheus's configuration and rules
 * (only the targets and intervals changed), traffic and a poisoned event go
 * through, and Prometheus's HTTP API must show every series the rules and the
 * Grafana dashboards use, and the dead-letter alert pending. The alert rules
 * are the shipped ones unchanged: GridworkDeadLetters waits `for: 2m`, so it
 * is pending from its first evaluation and would fire two minutes later.
 */
describe('monitoring: Prometheus scraping the running services', () => {
  let world: TestWorld;
  let prometheus: PrometheusProcess;
  const targets: Record<string, string> = {};
  let n = 0;
  const report = async (categoryCode: string): Promise<Case> =>
    (await world.client.request(subjects.dispatch.case.report, { idempotencyKey: `mon-${++n}`, channel: 'hotline-12345', categoryCode, description: 'Broken street lamp', location: WEST })).case;
  const checkHealth = () => Promise.all(SERVICES.map((s) => world.client.request(operationsOf(s.service).health.check, {})));

  beforeAll(async () => {
    world = await testWorld(SERVICES.map((s) => s.service));
    // The gateway signs its tokens with a secret from the environment.
    Object.assign(process.env, GATEWAY_ENV);
    for (const definition of SERVICES) {
      const app = await world.start(definition, definition.service);
      targets[definition.service] = new URL((await app.getUrl()).replace('[::1]', '127.0.0.1')).host;
    }
    // The shipped configuration, pointed at this test's services and scraping every second.
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8'));
    config.global = { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
    for (const target of config.scrape_configs[0].static_configs) target.targets = [targets[target.labels.service]];
    expect(Object.keys(targets).sort()).toEqual(config.scrape_configs[0].static_configs.map((t: { labels: { service: string } }) => t.labels.service).sort());
    const files = Object.fromEntries(config.rule_files.map((file: string) => [file, readFileSync(join(PROMETHEUS_DIR, file), 'utf8')]));
    prometheus = await startPrometheus(stringify(config), files);
    await waitFor('every service scraped', async () => (await prometheus.query('up{job="gridwork"} == 1')).length === SERVICES.length, 20_000);

    // Traffic, the way operators would see a working day start.
    await checkHealth();
    await world.client.request(subjects.grid.area.import, { featureCollection: smallCity() });
    for (const [code, responsible] of [
      ['lamps', { kind: 'department', department: 'lighting' }],
      ['environment', { kind: 'level', level: 'grid' }],
    ] as const) {
      await world.client.request(subjects.dispatch.category.define, { code, name: code, responsible, acceptHours: 2, completeHours: 24, hoursKind: 'calendar' });
    }
    await world.client.request(subjects.admission.item.define, {
      code: 'item-01',
      name: 'Street lamp survey',
      department: 'lighting',
      legalBasis: 'Lighting rules',
      kind: 'community-work',
      levels: ['community'],
      actor: { id: 'office-1' },
    });
    await waitFor('grids in dispatch', async () => {
      const [row] = await world.query<{ n: number }>('dispatch', `SELECT count(*)::int AS n FROM known_area WHERE level = 'grid' AND boundary IS NOT NULL`);
      return row!.n === 2 || undefined;
    });
    // The org and timebank services at work: an organization created, a volunteer's verified hours.
    for (const db of ['org', 'timebank']) {
      await waitFor(`areas in ${db}`, async () => {
        const [row] = await world.query<{ n: number }>(db, `SELECT count(*)::int AS n FROM known_area WHERE code = 'T010101'`);
        return row!.n === 1 || undefined;
      });
    }
    const office = { id: 'office-1', name: 'Office' };
    await world.client.request(subjects.org.organization.create, { name: '市委', kind: 'committee', type: 'agency', areaCode: 'T0', setup: 'standalone', actor: office });
    const volunteerId = randomUUID();
    await world.client.request(subjects.timebank.volunteer.register, { id: volunteerId, name: 'Li Wei', homeCommunityCode: 'T010101', actor: office });
    const start = Date.now() - 3 * 3600_000;
    const activity = await world.client.request(subjects.timebank.activity.post, {
      id: randomUUID(), title: 'Visiting elders', organizerKind: 'community', organizerId: 'T010101', communityCode: 'T010101', place: 'Centre',
      startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3600_000).toISOString(), places: 3, actor: office,
    });
    const on = { activityId: activity.id, volunteerId, actor: office };
    await world.client.request(subjects.timebank.activity.signUp, on);
    await world.client.request(subjects.timebank.activity.checkIn, { ...on, at: new Date(start).toISOString() });
    await world.client.request(subjects.timebank.activity.checkOut, { ...on, at: new Date(start + 3600_000).toISOString() });
    await world.client.request(subjects.timebank.activity.verifyHours, { id: randomUUID(), ...on });
    // A poisoned event: an area.changed that breaks its contract. Every service that keeps grid's areas gives up on it at once.
    await jetstream(world.nc).publish(subjects.grid.area.changed.subject, JSON.stringify({ code: 42 }), { msgID: 'poisoned-area-1' });
    // Rates need two scrapes: let Prometheus see the first requests' series, then send more.
    await waitFor('the first reports scraped', async () => {
      await report('lamps');
      return (await prometheus.query('gov_request_duration_seconds_count{subject="gov.dispatch.case.report"}')).length > 0;
    });
    const lamp = await report('lamps');
    await report('environment');
    await checkHealth();
    // A reminder falls due: the deadline timers fire it, late by the second moved back.
    await world.query('dispatch', `UPDATE "case" SET accept_remind_at = now() - interval '1 second' WHERE id = $1`, [lamp.id]);
    await waitFor('the reminder fired', async () => (await prometheus.query('sum(increase(gov_dispatch_timer_lateness_seconds_count[1m])) > 0')).length > 0, 20_000);
    await checkHealth();
  }, 120_000);
  afterAll(async () => {
    await prometheus?.dispose();
    await world?.dispose();
  });

  it('finds every series the alert and recording rules use, and evaluates every rule without error', async () => {
    // Recorded series appear after their first evaluation with data.
    await waitFor('recorded intake objective', async () => (await prometheus.query('gridwork:slo_intake_within_objective:ratio_rate5m')).length > 0);
    const { groups } = await prometheus.rules();
    const unhealthy = groups.flatMap((g) => g.rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`));
    expect(unhealthy).toEqual([]);
    const missing = await settled(async () => {
      const found: string[] = [];
      for (const rule of rules()) {
        for (const selector of selectorsOf(rule.expr)) {
          if ((await prometheus.series(selector)).length === 0) found.push(`${rule.alert ?? rule.record}: ${selector}`);
        }
        if (rule.record && (await prometheus.series(rule.record)).length === 0) found.push(`recorded ${rule.record}`);
      }
      return found;
    });
    expect(missing).toEqual([]);
    expect(groups.flatMap((g) => g.rules).length).toBe(rules().length);
  });

  it('shows the dead letters of the poisoned event, and the dead-letter alert becomes pending for each service that gave up on it', async () => {
    const letters = await waitFor('dead letters scraped', async () => {
      const found = await prometheus.query('gridwork:dead_letter_messages:max > 0');
      return found.length === 4 ? found : undefined;
    });
    expect(letters.map((s) => [s.metric.service, s.metric.stream, s.value[1]]).sort()).toEqual([
      ['admission', 'GOV_ADMISSION_DLQ', '1'],
      ['dispatch', 'GOV_DISPATCH_DLQ', '1'],
      ['org', 'GOV_ORG_DLQ', '1'],
      ['timebank', 'GOV_TIMEBANK_DLQ', '1'],
    ]);
    const alerts = await waitFor('GridworkDeadLetters pending', async () => {
      const found = (await prometheus.alerts()).filter((a) => a.labels.alertname === 'GridworkDeadLetters');
      return found.length === 4 ? found : undefined;
    });
    expect(alerts.map((a) => [a.labels.service, a.labels.stream, a.state]).sort()).toEqual([
      ['admission', 'GOV_ADMISSION_DLQ', 'pending'],
      ['dispatch', 'GOV_DISPATCH_DLQ', 'pending'],
      ['org', 'GOV_ORG_DLQ', 'pending'],
      ['timebank', 'GOV_TIMEBANK_DLQ', 'pending'],
    ]);
    expect(alerts.find((a) => a.labels.service === 'dispatch')!.annotations.runbook).toMatch(/gov\.dispatch\.dead-letter\.list/);
  });

  it('gives every panel of every Grafana dashboard data from the running services', async () => {
    const files = dashboards();
    expect(files.map(([f]) => f).sort()).toEqual(
      [
        'gridwork-intake-deadlines.json',
        'gridwork-overview.json',
        'gridwork-queues.json',
        ...SERVICES.map((s) => `gridwork-service-${s.service}.json`),
      ].sort(),
    );
    let queries = 0;
    expect(new Set(files.map(([, d]) => d.uid)).size).toBe(files.length);
    for (const [file, dashboard] of files) {
      expect(dashboard, file).toMatchObject({ uid: expect.any(String), title: expect.any(String), schemaVersion: expect.any(Number) });
      // Importable anywhere: the Prometheus is chosen with a datasource variable.
      expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
      expect(new Set(dashboard.panels.map((p) => p.id)).size, `${file}: panel ids`).toBe(dashboard.panels.length);
      for (const panel of dashboard.panels) expect(panel.gridPos, `${file}: ${panel.title}`).toMatchObject({ w: expect.any(Number), h: expect.any(Number) });
      for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
        expect(panel.datasource, `${file}: ${panel.title}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(panel.targets?.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
        queries += panel.targets!.length;
      }
    }
    const empty = await settled(async () => {
      const found: string[] = [];
      for (const [file, dashboard] of files) {
        for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
          for (const target of panel.targets!) {
            const samples = await prometheus.query(asGrafana(target.expr));
            // "No data", or only NaN (a ratio or quantile over nothing), is what an operator must never be shown.
            if (!samples.some((s) => Number.isFinite(Number(s.value[1])))) found.push(`${file}: ${panel.title}: ${target.expr}`);
          }
        }
      }
      return found;
    });
    expect(empty).toEqual([]);
    expect(queries).toBeGreaterThan(100);
  });

  it('has the dashboards the generator writes (deploy/grafana/generate.mjs --check)', () => {
    execFileSync(process.execPath, [join(ROOT, 'deploy/grafana/generate.mjs'), '--check'], { stdio: 'pipe' });
  });
});

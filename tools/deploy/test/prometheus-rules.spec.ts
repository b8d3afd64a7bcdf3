import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { prometheusBinary, startPrometheus, waitFor, type PrometheusProcess } from '@gridwork/testing';

const ROOT = resolve(import.meta.dirname, '../../..');
const PROMETHEUS_DIR = join(ROOT, 'deploy/prometheus');
const KUBERNETES_DIR = join(ROOT, 'deploy/kubernetes');

function promtool(...args: string[]): { ok: boolean; output: string } {
  const binary = prometheusBinary('promtool');
  if (!binary) throw new Error('promtool is not installed: apt-get install prometheus (Debian)');
  const run = spawnSync(binary, args, { cwd: PROMETHEUS_DIR, encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const ruleFiles = () => readdirSync(join(PROMETHEUS_DIR, 'rules')).filter((f) => f.endsWith('.yml')).map((f) => `rules/${f}`);
const ruleTests = () => readdirSync(join(PROMETHEUS_DIR, 'tests')).filter((f) => f.endsWith('.test.yml')).map((f) => `tests/${f}`);

/** The deploy/prometheus configuration and rules, checked with Debian's promtool. */
describe('deploy/prometheus', () => {
  it('has a scrape configuration for one machine that promtool accepts, with every rule file', () => {
    const check = promtool('check', 'config', 'prometheus.yml');
    expect(check.output).toMatch(/SUCCESS: prometheus\.yml is valid/);
    expect(check.ok).toBe(true);
    const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8'));
    expect([...config.rule_files].sort()).toEqual(ruleFiles().sort());
    // Every service's default port (tools/start/start.mjs), labelled with its name.
    const targets = config.scrape_configs[0].static_configs.map((s: { targets: string[]; labels: { service: string } }) => [s.labels.service, s.targets[0]]);
    expect(Object.fromEntries(targets)).toEqual({
      gateway: '127.0.0.1:3000',
      org: '127.0.0.1:3001',
      grid: '127.0.0.1:3002',
      dispatch: '127.0.0.1:3003',
      timebank: '127.0.0.1:3004',
      admission: '127.0.0.1:3005',
    });
  });

  it('has rules promtool accepts', () => {
    const check = promtool('check', 'rules', ...ruleFiles());
    expect(check.ok, check.output).toBe(true);
  });

  it.each(ruleTests())('passes the rule unit tests of %s: each alert fires and stays quiet on its sample series', (file) => {
    const run = promtool('test', 'rules', file);
    expect(run.ok, run.output).toBe(true);
    expect(run.output).toMatch(/SUCCESS/);
  });

  it('has a unit test for every alert, firing and quiet', () => {
    const alerts = ruleFiles().flatMap((file) =>
      parse(readFileSync(join(PROMETHEUS_DIR, file), 'utf8')).groups.flatMap((g: { rules: { alert?: string }[] }) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))),
    );
    expect(alerts.length).toBeGreaterThanOrEqual(13);
    const cases = ruleTests().flatMap((file) =>
      parse(readFileSync(join(PROMETHEUS_DIR, file), 'utf8')).tests.flatMap(
        (t: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }) => t.alert_rule_test ?? [],
      ),
    ) as { alertname: string; exp_alerts: unknown[] }[];
    for (const alert of alerts) {
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0), `${alert} fires in a test`).toBe(true);
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0), `${alert} stays quiet in a test`).toBe(true);
    }
  });

  it('tells promtool test apart from a broken rule (the unit tests can fail)', () => {
    // The dead-letter alert made to need two letters: its test, which has one, must fail.
    const dir = mkdtempSync(join(tmpdir(), 'gridwork-rules-'));
    try {
      const shipped = readFileSync(join(PROMETHEUS_DIR, 'rules/alerts.yml'), 'utf8');
      const alerts = shipped.replace('(gov_dead_letter_messages) > 0', '(gov_dead_letter_messages) > 1');
      expect(alerts).not.toBe(shipped);
      writeFileSync(join(dir, 'alerts.yml'), alerts);
      writeFileSync(join(dir, 'recording.yml'), readFileSync(join(PROMETHEUS_DIR, 'rules/recording.yml')));
      const test = parse(readFileSync(join(PROMETHEUS_DIR, 'tests/alerts.test.yml'), 'utf8'));
      test.rule_files = [join(dir, 'recording.yml'), join(dir, 'alerts.yml')];
      writeFileSync(join(dir, 'alerts.test.yml'), stringify(test));
      const run = promtool('test', 'rules', join(dir, 'alerts.test.yml'));
      expect(run.ok).toBe(false);
      expect(run.output).toMatch(/alertname: GridworkDeadLetters/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /*
   * Debian builds Prometheus without Kubernetes service discovery, so the
   * Kubernetes configuration cannot run here as it is. What it adds to the
   * one-machine file is its relabelling, and that is tested: the pods that
   * deploy/kubernetes declares are handed to a real Prometheus as static
   * targets carrying the labels kubernetes_sd gives a pod (__meta_kubernetes_*),
   * under the configuration's own relabel_configs.
   */
  describe('Kubernetes service discovery', () => {
    let prometheus: PrometheusProcess | undefined;
    afterAll(() => prometheus?.dispose());

    /** The parts of a Deployment that kubernetes_sd turns into a pod's labels. */
    interface Deployment {
      kind: string;
      metadata: { name: string };
      spec: {
        template: {
          metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
          spec: { containers: { ports?: { name: string; containerPort: number }[] }[] };
        };
      };
    }
    const deployments = readdirSync(KUBERNETES_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(KUBERNETES_DIR, f), 'utf8')).map((d) => d.toJSON() as Deployment | null))
      .filter((doc): doc is Deployment => doc?.kind === 'Deployment');

    /** What kubernetes_sd (role pod) reports for one replica of a Deployment, one entry per container port. */
    const discovered = (deployment: Deployment, podIp: string) => {
      const template = deployment.spec.template;
      const meta: Record<string, string> = {
        __meta_kubernetes_namespace: 'gridwork',
        __meta_kubernetes_pod_name: `${deployment.metadata.name}-7d9f8-abcde`,
      };
      for (const [k, v] of Object.entries(template.metadata.labels ?? {})) meta[`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`] = v;
      for (const [k, v] of Object.entries(template.metadata.annotations ?? {})) meta[`__meta_kubernetes_pod_annotation_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`] = v;
      return template.spec.containers.flatMap((c) =>
        (c.ports ?? []).map((p) => ({ targets: [`${podIp}:${p.containerPort}`], labels: { ...meta, __meta_kubernetes_pod_container_port_name: p.name } })),
      );
    };

    it('finds each app of deploy/kubernetes by its pod annotations, labelled with its service, and leaves other pods alone', async () => {
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['admission', 'dispatch', 'gateway', 'grid', 'org', 'timebank']);
      const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus-kubernetes.yml'), 'utf8'));
      const job = config.scrape_configs[0];
      expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['gridwork'] } }]);
      // Kustomize puts every app in the namespace the discovery watches.
      expect(parse(readFileSync(join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8')).namespace).toBe('gridwork');
      delete job.kubernetes_sd_configs;
      job.static_configs = [
        ...deployments.flatMap((d, i) => discovered(d, `10.1.0.${i + 10}`)),
        // A pod that does not ask to be scraped (NATS, say).
        { targets: ['10.1.0.99:8222'], labels: { __meta_kubernetes_pod_label_app_kubernetes_io_name: 'nats', __meta_kubernetes_pod_container_port_name: 'monitor' } },
      ];
      config.rule_files = [];
      prometheus = await startPrometheus(stringify(config));
      const targets = await waitFor('the targets', async () => {
        const t = await prometheus!.targets();
        return t.activeTargets.length > 0 ? t : undefined;
      });
      const found = targets.activeTargets.map((t) => [t.labels.service, t.scrapeUrl, t.labels.pod, t.labels.namespace]);
      expect(found.sort()).toEqual(
        deployments
          .map((d, i) => [d.metadata.name, `http://10.1.0.${i + 10}:3000/metrics`, `${d.metadata.name}-7d9f8-abcde`, 'gridwork'])
          .sort(),
      );
      expect(targets.droppedTargets).toHaveLength(1);
    });

    it('lets Prometheus list and watch the pods of the namespace it discovers, and nothing more', () => {
      const docs = parseAllDocuments(readFileSync(join(PROMETHEUS_DIR, 'kubernetes-rbac.yaml'), 'utf8')).map((d) => d.toJSON());
      const role = docs.find((d) => d.kind === 'Role');
      const binding = docs.find((d) => d.kind === 'RoleBinding');
      expect(role).toMatchObject({ metadata: { namespace: 'gridwork' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] });
      expect(binding).toMatchObject({ metadata: { namespace: 'gridwork' }, roleRef: { kind: 'Role', name: role.metadata.name }, subjects: [{ kind: 'ServiceAccount' }] });
    });
  });
});

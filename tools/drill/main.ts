import { cleanupDrill, describeDrill, runDrill } from './drill.js';

/*
 * npm run drill: the fault drill (see drill.ts) on private servers.
 * Env: DRILL_REPORTS (10000), DRILL_RATE (300 reports/s), DRILL_DOWN_MS (2000),
 * DRILL_NATS_CLUSTER=1 (or --cluster: against a three-node NATS cluster).
 * Exits non-zero if anything was lost or doubled.
 */
const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const log = (line: string) => process.stderr.write(`[drill] ${line}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping the drill's processes and servers`);
    void cleanupDrill(log).finally(() => process.exit(130));
  });
}

const natsCluster = process.env.DRILL_NATS_CLUSTER === '1' || process.argv.includes('--cluster');
const report = await runDrill({ reports: int('DRILL_REPORTS', 10_000), rate: int('DRILL_RATE', 300), downMs: int('DRILL_DOWN_MS', 2_000), natsCluster, log });
process.stdout.write(`${describeDrill(report)}\n`);
process.exit(report.ok ? 0 : 1);

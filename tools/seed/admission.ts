import { parseArgs } from 'node:util';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { generateAdmissionWorld } from './admission-world.js';

/*
 * Fills running grid and admission services with an admission world at the
 * issue's scale (3,000 areas, 5,000 items, the lists of every area) over
 * NATS; see admission-world.ts and tools/README.md. It needs empty services
 * (it refuses an admission service that has items already: a second world
 * on top of the first would publish its lists as new versions of the first's).
 *
 * Usage: node tools/dist/seed/admission.js [--nats URL] [--areas N] [--items N] [--seed N] [--city CODE] [--concurrency N]
 */

const { values } = parseArgs({
  options: {
    nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
    areas: { type: 'string', default: '3000' },
    items: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '13' },
    city: { type: 'string', default: '4499' },
    concurrency: { type: 'string', default: '16' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`Usage: npm run seed:admission -- [options]
  --nats URL          where the grid and admission services listen (env NATS_URL; nats://127.0.0.1:4222)
  --areas N           areas in the tree, the city included (3000)
  --items N           items in the catalogue (5000)
  --seed N            random seed: the same seed makes the same world (13)
  --city CODE         the city's area code; the others are numbered below it (4499)
  --concurrency N     requests in flight (16)
`);
  process.exit(0);
}
const positive = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
  return n;
};

const log = (line: string) => process.stderr.write(`[seed] ${line}\n`);

async function main(nc: NatsConnection): Promise<void> {
  const held = await new GridworkClient(nc).request(subjects.admission.item.list, { withdrawn: true, limit: 1 });
  if (held.items.length > 0) {
    log(`the admission service at ${values.nats} has items already (${held.items[0]!.code}, …): generate into empty grid and admission services`);
    process.exitCode = 1;
    return;
  }
  const summary = await generateAdmissionWorld(nc, {
    areas: positive('areas', values.areas),
    items: positive('items', values.items),
    seed: positive('seed', values.seed),
    cityCode: values.city,
    concurrency: positive('concurrency', values.concurrency),
    log,
  });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

const nc = await connect({ servers: values.nats, name: 'seed-admission' });
try {
  await main(nc);
} finally {
  await nc.close();
}

// A department system on Gridwork, as the housing department's developers
// would write it: it reports a case, follows it, lists the cases it owns and
// consumes its notices with its durable consumer. Each step prints one JSON
// line; the process exits 0 once the notice of the case it reported has been
// handled, 1 on any failure.
//
//   NATS_URL=nats://127.0.0.1:4222 node index.mjs
import { randomUUID } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { GridworkClient } from '@gridwork/client';
import { DEPARTMENT_NOTICES, GridworkError, subjects } from '@gridwork/contracts';

const DEPARTMENT = 'housing';
/** A category the platform routes to housing, and a point in the city. */
const CATEGORY = process.env.CATEGORY_CODE ?? 'roads';
const LOCATION = { longitude: 113.005, latitude: 23.01 };
/** How long to wait for the notice of the case reported here. */
const NOTICE_TIMEOUT_MS = 30_000;

const print = (step, data) => process.stdout.write(`${JSON.stringify({ step, ...data })}\n`);

const natsUrl = process.env.NATS_URL;
if (!natsUrl) {
  process.stderr.write('Set NATS_URL to the platform NATS server.\n');
  process.exit(2);
}

let nc;
try {
  // In production the connection also carries the department's credentials
  // (deploy/nats/issue-credentials.mjs) and its own inbox prefix.
  nc = await connect({ servers: natsUrl });
  // Requests go to gov.ext.housing.…, the only subjects this department may publish on.
  const client = new GridworkClient(nc, { department: DEPARTMENT, timeoutMs: 10_000 });

  // Report: the idempotency key is the department's own ticket id, so a retry returns the same case.
  const { case: reported, created } = await client.request(subjects.dispatch.case.report, {
    idempotencyKey: `housing-ticket-${randomUUID()}`,
    channel: 'department',
    categoryCode: CATEGORY,
    description: 'Collapsed pavement in front of building 3',
    location: LOCATION,
  });
  print('reported', { caseId: reported.id, number: reported.number, state: reported.state, owner: reported.owner, created });

  // Follow: the case with its whole timeline, by its people-facing number.
  const detail = await client.request(subjects.dispatch.case.get, { idOrNumber: reported.number });
  print('followed', { caseId: detail.id, state: detail.state, timeline: detail.timeline.map((entry) => entry.action) });

  // List: a department system sees only the cases it owns.
  const page = await client.request(subjects.dispatch.case.list, { limit: 50 });
  print('listed', { count: page.items.length, caseIds: page.items.map((c) => c.id), owners: [...new Set(page.items.map((c) => c.owner?.department))] });

  // Consume: one durable consumer named after the department resumes where it
  // stopped, so notices published while this system was down arrive now.
  let noticed;
  const ours = new Promise((resolve) => (noticed = resolve));
  const consumer = await client.consumeAddressed(DEPARTMENT_NOTICES, {}, async (notice, meta) => {
    print('notice', { kind: notice.kind, caseId: notice.caseId, caseNumber: notice.caseNumber, streamSequence: meta.streamSequence });
    if (notice.caseId === reported.id && notice.kind === 'assigned') noticed();
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no assignment notice for case ${reported.number} within ${NOTICE_TIMEOUT_MS} ms`)), NOTICE_TIMEOUT_MS);
  });
  try {
    await Promise.race([ours, timeout]);
  } finally {
    clearTimeout(timer);
    // Stopping waits for the acknowledgements to reach the server.
    await consumer.stop();
  }
  print('done', { caseId: reported.id });
} catch (error) {
  const detail = error instanceof GridworkError ? { code: error.code, details: error.details } : {};
  print('failed', { message: error instanceof Error ? error.message : String(error), ...detail });
  process.exitCode = 1;
} finally {
  await nc?.close();
}

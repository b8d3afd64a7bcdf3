// What each service's user may publish and subscribe to in the PLATFORM
// account, derived from the naming rules every service follows (libs/contracts
// definitions.ts, libs/messaging): a service is never given a subject by hand,
// so its rights follow the names it uses. tools/deploy/test/nats-matrix.spec.ts
// checks these rules against libs/contracts (streamNameOf, deadLetterStreamOf,
// eventSubjectsOf, deadLetterSubjectOf, SERVICES) and runs the real services
// with them.

export const SERVICES = ['org', 'grid', 'dispatch', 'timebank', 'admission', 'gateway'];
/** The service that addresses notices to departments, and makes their consumers on its stream (DEPARTMENTS). */
export const NOTICE_SERVICE = 'dispatch';

/**
 * JetStream object store buckets a service owns (its stream OBJ_<bucket>):
 * grid's GRID_IMPORTS (AREA_IMPORT_BUCKET in libs/contracts), where GeoJSON
 * files wait to be imported.
 */
export const BUCKETS = { grid: ['GRID_IMPORTS'] };

/** `GOV_<SERVICE>` (streamNameOf) and its dead letters `GOV_<SERVICE>_DLQ` (deadLetterStreamOf). */
export const streamOf = (service) => `GOV_${service.toUpperCase()}`;
export const deadLetterStreamOf = (service) => `${streamOf(service)}_DLQ`;
/** The inbox prefix a service's connection uses (libs/messaging connectNats): its replies, and no one else's. */
export const serviceInboxOf = (service) => `_INBOX_${service}`;

/**
 * A service's user: it publishes its own events (gov.evt.<svc>.>, through
 * JetStream) and dead letters (gov.dlq.<svc>.>), requests to the platform's
 * endpoints (gov.<service>.…, never gov.ext.…: it cannot act as a
 * department, nor gov.evt.<other>: it cannot forge another's events), and
 * replies to departments (_R_.…) and services (_INBOX_<service>.…) only. It
 * subscribes to its own endpoints, their department form gov.ext.*.<svc>.>,
 * the NATS service protocol ($SRV) and its own inbox. In JetStream it manages
 * its own two streams (no purge, no delete of any stream), reads and deletes
 * its own dead letters, and creates, reads, pulls from and acknowledges its
 * own durable consumer (named after it) on any stream. Dispatch also makes,
 * reads and replaces the departments' consumers on its own stream.
 */
export function servicePermissions(service) {
  if (!SERVICES.includes(service)) throw new Error(`unknown service ${service}`);
  const stream = streamOf(service);
  const dlq = deadLetterStreamOf(service);
  const inbox = serviceInboxOf(service);
  const api = '$JS.API';
  const pub = [
    `gov.evt.${service}.>`,
    `gov.dlq.${service}.>`,
    ...SERVICES.map((s) => `gov.${s}.>`),
    `${api}.INFO`,
    ...[stream, dlq].flatMap((s) => [`${api}.STREAM.INFO.${s}`, `${api}.STREAM.CREATE.${s}`, `${api}.STREAM.UPDATE.${s}`]),
    `${api}.STREAM.MSG.GET.${dlq}`,
    `${api}.STREAM.MSG.DELETE.${dlq}`,
    // Its own durable consumer on any stream: create or update (with a filter in the subject, or without), read, pull, ack.
    `${api}.CONSUMER.CREATE.*.${service}`,
    `${api}.CONSUMER.CREATE.*.${service}.>`,
    `${api}.CONSUMER.DURABLE.CREATE.*.${service}`,
    `${api}.CONSUMER.INFO.*.${service}`,
    `${api}.CONSUMER.MSG.NEXT.*.${service}`,
    `$JS.ACK.*.${service}.>`,
    // Replies, to whom may ask: a department through its import (the server's _R_.… subjects) and
    // the services (their inboxes). Named, not allow_responses: that would let a caller's reply-to
    // (even $JS.API.STREAM.PURGE.…) be published once with this service's rights, and nats-server
    // 2.9 tracks every message with a reply subject for it, which cost dispatch's intake most of
    // its throughput (tools/bench/dispatch-intake-department.ts).
    '_R_.>',
    ...SERVICES.map((s) => `${serviceInboxOf(s)}.>`),
  ];
  for (const bucket of BUCKETS[service] ?? []) {
    // Its own bucket, whole: make it, put, read (ordered consumers with names of their own, direct get), delete objects (a purge of their subjects).
    const s = `OBJ_${bucket}`;
    pub.push(
      `$O.${bucket}.>`,
      `${api}.STREAM.*.${s}`,
      `${api}.STREAM.MSG.*.${s}`,
      `${api}.DIRECT.GET.${s}`,
      `${api}.DIRECT.GET.${s}.>`,
      `${api}.CONSUMER.*.${s}`,
      `${api}.CONSUMER.*.${s}.>`,
      `${api}.CONSUMER.MSG.NEXT.${s}.*`,
      `$JS.ACK.${s}.>`,
    );
  }
  if (service === NOTICE_SERVICE) {
    // The departments' consumers on its stream (ensureDepartmentConsumers): never pull from or ack them.
    pub.push(`${api}.CONSUMER.CREATE.${stream}.*.>`, `${api}.CONSUMER.CREATE.${stream}.*`, `${api}.CONSUMER.INFO.${stream}.*`, `${api}.CONSUMER.DELETE.${stream}.*`);
  }
  const sub = [`gov.${service}.>`, `gov.ext.*.${service}.>`, '$SRV.*', `$SRV.*.${service}`, `$SRV.*.${service}.>`, `${inbox}.>`];
  return { pub: { allow: pub }, sub: { allow: sub } };
}

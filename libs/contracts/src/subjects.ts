import type { EndpointDefinition, EventDefinition } from './definitions.js';
import { operationsOf } from './operations.js';
import { gridDomainSubjects } from './grid/index.js';
import { dispatchDomainSubjects } from './dispatch/index.js';
import { admissionDomainSubjects } from './admission/index.js';
import { orgDomainSubjects } from './org/index.js';
import { timebankDomainSubjects } from './timebank/index.js';

/** The platform's services, each owning its database and event stream. */
export const SERVICES = ['org', 'grid', 'dispatch', 'timebank', 'admission', 'gateway'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * Every subject of the platform, by service and aggregate:
 * `client.request(subjects.dispatch.deadLetter.list, {})`.
 * Domain endpoints and events join here as the services grow.
 */
export const subjects = {
  org: { ...operationsOf('org'), ...orgDomainSubjects },
  grid: { ...operationsOf('grid'), ...gridDomainSubjects },
  dispatch: { ...operationsOf('dispatch'), ...dispatchDomainSubjects },
  timebank: { ...operationsOf('timebank'), ...timebankDomainSubjects },
  admission: { ...operationsOf('admission'), ...admissionDomainSubjects },
  gateway: { ...operationsOf('gateway') },
} satisfies Record<ServiceName, object>;

type Definition = EndpointDefinition<object, unknown> | EventDefinition<object>;

function collect(node: unknown, out: Definition[]): void {
  if (typeof node !== 'object' || node === null) return;
  if ('kind' in node && (node.kind === 'endpoint' || node.kind === 'event')) {
    out.push(node as Definition);
    return;
  }
  for (const child of Object.values(node)) collect(child, out);
}

/** All definitions in the catalogue, for documentation and checks. */
export function allDefinitions(catalogue: object = subjects): Definition[] {
  const out: Definition[] = [];
  collect(catalogue, out);
  return out;
}

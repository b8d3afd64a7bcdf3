import { XMLBuilder } from 'fast-xml-parser';
import { FINAL_STATES, type Case, type CaseDetail, type CaseState, type CaseTimelineLine, type Category, type FieldError } from '@gridwork/contracts';
import { LOCAL_OFFSET_MS } from '@gridwork/local-time';

/*
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): its names
 * for our things, and its two formats. Services are dispatch's categories;
 * service requests are cases. What a request shows is what the spec names,
 * never the reporter (their name and phone stay in the platform).
 */

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
export type Format = 'json' | 'xml';

/** A W3C datetime in China time, as GeoReport's examples give them: `2026-12-07T22:30:00+08:00`. */
export const w3c = (iso: string | undefined): string | undefined =>
  iso === undefined ? undefined : `${new Date(Date.parse(iso) + LOCAL_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;

export interface Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

export const serviceOf = (category: Category, names: Map<string, string>): Service => ({
  service_code: category.code,
  service_name: category.name,
  description: category.name,
  // A service has a definition to read when its category asks questions of a report.
  metadata: (category.attributes?.length ?? 0) > 0,
  // Answered at once with the case number.
  type: 'realtime',
  keywords: category.code.split('.').join(','),
  group: names.get(category.code.split('.')[0]!) ?? category.code.split('.')[0]!,
});

/** A service definition: the category's attributes in GeoReport's form (each a question for the reporter, so `variable`). */
export function definitionOf(category: Category, format: Format) {
  const attributes = (category.attributes ?? []).map((attribute) => {
    const values = attribute.values?.map((value) => ({ key: value.key, name: value.name }));
    return {
      variable: true,
      code: attribute.code,
      datatype: attribute.datatype,
      required: attribute.required,
      datatype_description: DATATYPE_DESCRIPTION[attribute.datatype],
      order: attribute.order,
      description: attribute.description,
      ...(values ? { values: format === 'json' ? values : { value: values } } : {}),
    };
  });
  return { service_code: category.code, attributes: format === 'json' ? attributes : { attribute: attributes } };
}

const DATATYPE_DESCRIPTION: Record<string, string> = {
  string: 'Up to 300 characters',
  text: 'Up to 4,000 characters',
  number: 'A number, e.g. 40 or 2.5',
  datetime: 'A W3C datetime with its offset, e.g. 2026-12-07T09:30:00+08:00',
  singlevaluelist: 'One of the values’ keys',
  multivaluelist: 'One or more of the values’ keys, each as attribute[code][]',
};

export interface ServiceRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes?: string;
  service_name?: string;
  service_code: string;
  description: string;
  agency_responsible?: string;
  service_notice: string;
  requested_datetime?: string;
  updated_datetime?: string;
  expected_datetime?: string;
  address?: string;
  address_id?: string;
  zipcode?: string;
  lat?: number;
  long?: number;
  media_url?: string;
}

const agencyOf = (c: Case): string | undefined =>
  !c.owner ? undefined : c.owner.kind === 'department' ? c.owner.department : `${c.owner.level} ${c.owner.areaCode}`;

/** A case as a service request; its number is the request's id. With the timeline, the status notes are its last reason. */
export function requestOf(c: Case | CaseDetail, names: Map<string, string>): ServiceRequest {
  const notes = 'timeline' in c ? [...c.timeline].reverse().find((entry) => entry.reason)?.reason : undefined;
  const media = c.attachments.find((attachment) => /^https?:\/\//.test(attachment.ref));
  return compact({
    service_request_id: c.number,
    status: FINAL_STATES.includes(c.state) ? 'closed' : 'open',
    status_notes: notes,
    service_name: names.get(c.categoryCode),
    service_code: c.categoryCode,
    description: c.description,
    agency_responsible: agencyOf(c),
    service_notice: '',
    requested_datetime: w3c(c.reportedAt),
    updated_datetime: w3c(c.updatedAt),
    expected_datetime: w3c(c.completeDueAt),
    address: c.address,
    lat: c.location?.latitude,
    long: c.location?.longitude,
    media_url: media?.ref,
  });
}

/**
 * The statuses of the servicerequestupdates extension (FixMyStreet's, which
 * its Open311 adapter maps to its own states; lower case as its own server
 * answers them): a case's state in the words a mirroring system knows.
 */
const UPDATE_STATUS: Record<CaseState, string> = {
  reported: 'open',
  accepted: 'investigating',
  assigned: 'action_scheduled',
  'in-progress': 'in_progress',
  resolved: 'fixed',
  verified: 'fixed',
  closed: 'closed',
  'handed-back': 'open',
  reopened: 'open',
  merged: 'duplicate',
  rejected: 'not_councils_responsibility',
};

export interface RequestUpdate {
  update_id: string;
  service_request_id: string;
  status: string;
  updated_datetime: string;
  description: string;
  media_url: string;
}

/** A case's timeline line as a request update: its id is the case number and the line's number, which never change. */
export function updateOf(line: CaseTimelineLine): RequestUpdate {
  const attachments = Array.isArray(line.data?.attachments) ? (line.data.attachments as { ref?: unknown }[]) : [];
  const media = attachments.find((attachment) => typeof attachment.ref === 'string' && /^https?:\/\//.test(attachment.ref));
  return {
    update_id: `${line.caseNumber}-${line.seq}`,
    service_request_id: line.caseNumber,
    status: UPDATE_STATUS[line.state],
    updated_datetime: w3c(line.at)!,
    description: line.reason ?? '',
    media_url: (media?.ref as string | undefined) ?? '',
  };
}

const compact = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** GeoReport's names of a case report's fields, for errors that name what the app sent. */
const FIELD_NAMES: Record<string, string> = {
  categoryCode: 'service_code',
  'location.latitude': 'lat',
  'location.longitude': 'long',
  location: 'lat',
  address: 'address_string',
  'reporter.name': 'first_name',
  'reporter.phone': 'phone',
  attachments: 'media_url',
};

export const open311Field = (field: string): string =>
  FIELD_NAMES[field] ?? (field.startsWith('attachments') ? 'media_url' : field.startsWith('attributes.') ? `attribute[${field.slice('attributes.'.length)}]` : field);

export interface Open311Error {
  code: number;
  description: string;
}

export const errorsOf = (status: number, message: string, details?: FieldError[]): Open311Error[] =>
  details?.length ? details.map((detail) => ({ code: status, description: `${open311Field(detail.field)}: ${detail.messages.join('; ')}` })) : [{ code: status, description: message }];

const xml = new XMLBuilder({ format: true, suppressEmptyNode: false });

/** A body in the asked format: JSON as it is; XML under `root`, each item as an `item` element. */
export function render(format: Format, value: unknown, root: string, item?: string): string {
  if (format === 'json') return JSON.stringify(value);
  const body = Array.isArray(value) ? { [item!]: value } : value;
  return `<?xml version="1.0" encoding="utf-8"?>\n${xml.build({ [root]: body })}`;
}

export const CONTENT_TYPE: Record<Format, string> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };

/** `requests.json` → `requests`, `json`; undefined for a format GeoReport does not have. */
export function splitFormat(file: string): { name: string; format: Format } | undefined {
  const dot = file.lastIndexOf('.');
  const format = file.slice(dot + 1);
  return dot > 0 && (format === 'json' || format === 'xml') ? { name: file.slice(0, dot), format } : undefined;
}

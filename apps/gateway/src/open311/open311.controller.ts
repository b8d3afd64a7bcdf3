import { createHash } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { CASE_STATES, ErrorCode, FINAL_STATES, GridworkError, subjects, type Case, type CaseTimelineLine, type FieldError, type ListCasesRequest } from '@gridwork/contracts';
import { GridworkClient } from '@gridwork/client';
import { NATS_CONNECTION } from '@gridwork/messaging';
import { today } from '@gridwork/local-time';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { Audited } from '../audit/audited.interceptor.js';
import { Operation } from '../api-docs/operation.js';
import { CONTENT_TYPE, SPECIFICATION, definitionOf, render, requestOf, serviceOf, splitFormat, updateOf, type Format } from './georeport.js';
import { Open311ErrorFilter } from './open311-errors.js';

interface Sent {
  status(code: number): Sent;
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

interface Incoming {
  protocol: string;
  get(name: string): string | undefined;
}

const DAY_MS = 86_400_000;
/** GeoReport: without dates, the last 90 days; at most 1,000 requests in all. */
const DEFAULT_DAYS = 90;
const MAX_RESULTS = 1_000;
const MAX_PAGE_SIZE = 200;
/** servicerequestupdates: without a start, the day before the end; a mirror polls without paging, so a page holds all the cap allows. */
const UPDATES_DEFAULT_HOURS = 24;
/** Lines asked of dispatch at a time (its most). */
const TIMELINE_CHUNK = 500;

/**
 * Open311 GeoReport v2 at `/open311/v2`: discovery, services (dispatch's
 * categories), posting a service request (a case, channel `open311`, with
 * an app's key) and reading requests, in JSON or XML by the path's
 * extension. Reading needs no key, as the spec has it, and shows no
 * reporter. Extensions: paging (`page`, `page_size`) and the feed of
 * request updates FixMyStreet's adapter mirrors with (`servicerequestupdates`).
 */
@Controller('open311/v2')
@UseFilters(Open311ErrorFilter)
@UseInterceptors(Audited)
export class Open311Controller {
  private readonly platform: GridworkClient;

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    private readonly apiKeys: ApiKeysService,
  ) {
    this.platform = new GridworkClient(nc, { timeoutMs: 10_000 });
  }

  @Get(':document')
  @Operation({
    summary:
      'GeoReport v2: discovery.{json,xml}, services.{json,xml}, requests.{json,xml} (query: service_request_id, service_code, start_date, end_date, status, page, page_size) or the updates extension servicerequestupdates.{json,xml} (query: start_date, end_date, page, page_size): status changes of every request in the window, oldest first.',
    signedIn: false,
    errors: ['NOT_FOUND'],
  })
  async document(@Param('document') file: string, @Query() query: Record<string, unknown>, @Req() request: Incoming, @Res() reply: Sent): Promise<void> {
    const { name, format } = this.known(file, ['discovery', 'services', 'requests', 'servicerequestupdates']);
    if (name === 'discovery') return send(reply, format, 200, this.discovery(request, format), 'discovery');
    if (name === 'services') return send(reply, format, 200, await this.services(), 'services', 'service');
    if (name === 'servicerequestupdates') return send(reply, format, 200, await this.updates(query), 'service_requests_updates', 'request_update');
    return send(reply, format, 200, await this.requests(query), 'service_requests', 'request');
  }

  @Get('services/:file')
  @Operation({ summary: 'GeoReport v2: a service definition, services/{service_code}.{json,xml}.', signedIn: false, errors: ['NOT_FOUND'] })
  async definition(@Param('file') file: string, @Res() reply: Sent): Promise<void> {
    const { name: code, format } = this.known(file);
    const category = await this.platform.request(subjects.dispatch.category.get, { code });
    send(reply, format, 200, definitionOf(category, format), 'service_definition');
  }

  @Get('requests/:file')
  @Operation({ summary: 'GeoReport v2: one service request, requests/{service_request_id}.{json,xml}.', signedIn: false, errors: ['NOT_FOUND'] })
  async request(@Param('file') file: string, @Res() reply: Sent): Promise<void> {
    const { name: id, format } = this.known(file);
    const c = await this.platform.request(subjects.dispatch.case.get, { idOrNumber: id });
    send(reply, format, 200, [requestOf(c, await this.categoryNames())], 'service_requests', 'request');
  }

  /** Requests are numbered when they are posted, so a token is the number itself. */
  @Get('tokens/:file')
  @Operation({ summary: 'GeoReport v2: the service request id of a token, tokens/{token}.{json,xml}.', signedIn: false, errors: ['NOT_FOUND'] })
  async token(@Param('file') file: string, @Res() reply: Sent): Promise<void> {
    const { name: token, format } = this.known(file);
    const c = await this.platform.request(subjects.dispatch.case.get, { idOrNumber: token });
    send(reply, format, 200, [{ service_request_id: c.number, token }], 'service_requests', 'request');
  }

  @Post(':document')
  @Operation({
    summary:
      'GeoReport v2: posts a service request, requests.{json,xml}, form-encoded (or JSON): api_key, service_code, lat and long or address_string, description, first_name, last_name, phone, media_url, and attribute[code] for the service’s attributes (attribute[code][] for each value of a multivaluelist).',
    signedIn: false,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'NOT_ADMITTED'],
  })
  async post(@Param('document') file: string, @Body() body: Record<string, unknown> | undefined, @Req() request: { auditAs?: string }, @Res() reply: Sent): Promise<void> {
    const { format } = this.known(file, ['requests']);
    const form = body ?? {};
    const app = typeof form.api_key === 'string' ? await this.apiKeys.appOf(form.api_key) : undefined;
    if (!app) throw new GridworkError(ErrorCode.FORBIDDEN, 'api_key is missing or not valid: ask the platform for a key for your app');
    const { case: c } = await this.platform.request(subjects.dispatch.case.report, reportOf(form, app.id));
    request.auditAs = `app ${app.name}`;
    send(reply, format, 201, [{ service_request_id: c.number, service_notice: '' }], 'service_requests', 'request');
  }

  private known(file: string, names?: string[]): { name: string; format: Format } {
    const split = splitFormat(file);
    if (!split) throw GridworkError.notFound(`${file}: GeoReport v2 documents end in .json or .xml`);
    if (names && !names.includes(split.name)) throw GridworkError.notFound(`${split.name}: GeoReport v2 has ${names.join(', ')} here`);
    return split;
  }

  private discovery(request: Incoming, format: Format) {
    const url = `${request.protocol}://${request.get('host')}/open311/v2`;
    const endpoint = { specification: SPECIFICATION, url, changeset: CHANGESET, type: 'production', formats: ['text/xml', 'application/json'] };
    return {
      changeset: CHANGESET,
      contact: 'The platform operator of this Gridwork installation',
      key_service: 'Ask the platform operator for an API key for your app',
      endpoints: format === 'json' ? [endpoint] : { endpoint: [{ ...endpoint, formats: { format: endpoint.formats } }] },
    };
  }

  private async services() {
    const categories = (await this.platform.request(subjects.dispatch.category.list, {})).items.filter((category) => !category.retired);
    const names = new Map(categories.map((category) => [category.code, category.name]));
    return categories.map((category) => serviceOf(category, names));
  }

  private async categoryNames(): Promise<Map<string, string>> {
    return new Map((await this.platform.request(subjects.dispatch.category.list, { includeRetired: true })).items.map((category) => [category.code, category.name]));
  }

  /** GET requests: by ids (then nothing else counts), or by service, dates and status, newest first, paged. */
  private async requests(query: Record<string, unknown>) {
    const names = await this.categoryNames();
    if (typeof query.service_request_id === 'string' && query.service_request_id) {
      const ids = query.service_request_id.split(',').map((id) => id.trim()).filter(Boolean).slice(0, MAX_PAGE_SIZE);
      const found = await Promise.all(ids.map((id) => this.platform.request(subjects.dispatch.case.get, { idOrNumber: id }).catch(missingAsUndefined)));
      return found.filter((c): c is NonNullable<typeof c> => c !== undefined).map((c) => requestOf(c, names));
    }
    const { filters, page, pageSize } = listQueryOf(query);
    let after: string | undefined;
    for (let p = 1; ; p++) {
      const found = await this.platform.request(subjects.dispatch.case.list, { ...filters, limit: pageSize, ...(after ? { after } : {}) });
      if (p === page || !found.nextAfter) return p === page ? found.items.map((c: Case) => requestOf(c, names)) : [];
      after = found.nextAfter;
    }
  }

  /**
   * servicerequestupdates: each line of a case's timeline in the window that
   * moved its state, oldest first, as FixMyStreet's adapter reads them (it
   * polls with start_date and end_date). A page is counted in lines, read
   * from dispatch a chunk at a time.
   */
  private async updates(query: Record<string, unknown>) {
    const { from, to, page, pageSize } = updatesQueryOf(query);
    const skip = (page - 1) * pageSize;
    const lines: CaseTimelineLine[] = [];
    let after: string | undefined;
    do {
      const found = await this.platform.request(subjects.dispatch.case.timeline, { from, to, stateChangesOnly: true, limit: TIMELINE_CHUNK, ...(after ? { after } : {}) });
      lines.push(...found.items);
      after = found.nextAfter;
    } while (after && lines.length < skip + pageSize);
    return lines.slice(skip, skip + pageSize).map(updateOf);
  }
}

/** When the GeoReport endpoint's definition last changed. */
const CHANGESET = '2026-12-07T00:00:00+08:00';

function send(reply: Sent, format: Format, status: number, value: unknown, root: string, item?: string): void {
  reply.status(status);
  reply.setHeader('Content-Type', CONTENT_TYPE[format]);
  reply.send(render(format, value, root, item));
}

const missingAsUndefined = (error: unknown): undefined => {
  if (error instanceof GridworkError && error.code === ErrorCode.NOT_FOUND) return undefined;
  throw error;
};

/**
 * A posted service request as a case report, in GeoReport's field names.
 *
 * GeoReport has no idempotency key, and apps retry a post whose answer they
 * did not get (FixMyStreet's sender tries again on its next run). The key
 * is made from the app, the China-time day and everything the post says, so
 * the same post sent again that day answers the case the first one made
 * (dispatch's idempotency), and any other post is a case of its own.
 */
function reportOf(form: Record<string, unknown>, appId: string): object {
  const report = reportFields(form);
  const content = createHash('sha256').update(JSON.stringify([appId, today(), report])).digest('base64url');
  return { idempotencyKey: `open311-${content}`, ...report };
}

function reportFields(form: Record<string, unknown>): object {
  const text = (name: string): string | undefined => (typeof form[name] === 'string' && (form[name] as string).trim() !== '' ? (form[name] as string).trim() : undefined);
  const number = (name: string): unknown => (text(name) !== undefined && /^-?\d+(\.\d+)?$/.test(text(name)!) ? Number(text(name)) : text(name));
  const name = [text('first_name'), text('last_name')].filter(Boolean).join(' ');
  const located = text('lat') !== undefined || text('long') !== undefined;
  return {
    channel: 'open311',
    categoryCode: text('service_code'),
    description: text('description'),
    ...(located ? { location: { latitude: number('lat'), longitude: number('long') } } : {}),
    ...(text('address_string') ? { address: text('address_string') } : {}),
    ...(name || text('phone') ? { reporter: { ...(name ? { name } : {}), ...(text('phone') ? { phone: text('phone') } : {}) } } : {}),
    ...(text('media_url') ? { attachments: [{ kind: 'photo', ref: text('media_url') }] } : {}),
    ...attributesOf(form),
  };
}

/**
 * GeoReport's `attribute[code]` fields (`attribute[code][]` for each value of
 * a multivaluelist), as the form parser nests them (`attribute: {code}`) or
 * left flat; dispatch checks them against the service's attributes.
 */
function attributesOf(form: Record<string, unknown>): { attributes?: Record<string, unknown> } {
  const attributes: Record<string, unknown> = {};
  const nested = form.attribute;
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) Object.assign(attributes, nested);
  else if (nested !== undefined) attributes[''] = nested;
  for (const [name, value] of Object.entries(form)) {
    const flat = /^attribute\[([^\]]*)\](\[\])?$/.exec(name);
    if (flat) attributes[flat[1]!] = value;
  }
  return Object.keys(attributes).length > 0 ? { attributes } : {};
}

/** Reads GeoReport's query fields, gathering every wrong one. */
function queryReader(query: Record<string, unknown>) {
  const problems: FieldError[] = [];
  const text = (name: string) => (typeof query[name] === 'string' && query[name] !== '' ? (query[name] as string) : undefined);
  const date = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (Number.isNaN(Date.parse(value))) problems.push({ field: name, messages: [`${name} must be a W3C datetime, e.g. 2026-12-01T00:00:00+08:00`] });
    return value;
  };
  const int = (name: string, fallback: number, max: number): number => {
    const value = text(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) problems.push({ field: name, messages: [`${name} must be a whole number from 1 to ${max}`] });
    return Number(value);
  };
  /** page × page_size within the cap, then throws for every problem found. */
  const done = (page: number, pageSize: number, what: string) => {
    if (problems.length === 0 && page * pageSize > MAX_RESULTS) problems.push({ field: 'page', messages: [`at most ${MAX_RESULTS} ${what} can be paged through; narrow the dates`] });
    if (problems.length > 0) throw GridworkError.validation(problems);
  };
  return { problems, text, date, int, done };
}

/** GET requests' filters as dispatch's case list takes them. */
function listQueryOf(query: Record<string, unknown>): { filters: ListCasesRequest; page: number; pageSize: number } {
  const { problems, text, date, int, done } = queryReader(query);
  const status = text('status');
  if (status !== undefined && status !== 'open' && status !== 'closed') problems.push({ field: 'status', messages: ['status must be open or closed'] });
  const end = date('end_date');
  const start = date('start_date');
  const pageSize = int('page_size', 50, MAX_PAGE_SIZE);
  const page = int('page', 1, MAX_RESULTS);
  done(page, pageSize, 'requests');
  const reportedTo = end ? new Date(end).toISOString() : undefined;
  const reportedFrom = start ? new Date(start).toISOString() : new Date(Date.parse(reportedTo ?? new Date().toISOString()) - DEFAULT_DAYS * DAY_MS).toISOString();
  const states = status === 'closed' ? [...FINAL_STATES] : status === 'open' ? CASE_STATES.filter((state) => !FINAL_STATES.includes(state)) : undefined;
  return {
    filters: { ...(text('service_code') ? { categoryCode: text('service_code') } : {}), reportedFrom, ...(reportedTo ? { reportedTo } : {}), ...(states ? { states } : {}) },
    page,
    pageSize,
  };
}

/** servicerequestupdates' window (the day before end_date, or before now, when start_date is not given) and page. */
function updatesQueryOf(query: Record<string, unknown>): { from: string; to: string; page: number; pageSize: number } {
  const { problems, date, int, done } = queryReader(query);
  const end = date('end_date');
  const start = date('start_date');
  const pageSize = int('page_size', MAX_RESULTS, MAX_RESULTS);
  const page = int('page', 1, MAX_RESULTS);
  if (problems.length > 0) done(page, pageSize, 'updates');
  const to = end ? new Date(end).toISOString() : new Date().toISOString();
  const from = start ? new Date(start).toISOString() : new Date(Date.parse(to) - UPDATES_DEFAULT_HOURS * 3_600_000).toISOString();
  if (Date.parse(to) <= Date.parse(from)) problems.push({ field: 'end_date', messages: [`end_date must be after start_date${end ? '' : ' (now, when not given)'}`] });
  done(page, pageSize, 'updates');
  return { from, to, page, pageSize };
}

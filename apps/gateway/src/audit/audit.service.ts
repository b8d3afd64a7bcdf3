import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PINO_LOGGER } from '@gridwork/observability';
import { newId } from '@gridwork/persistence';
import type { Principal } from '../auth/grants.js';
import { originOf } from '../http/request.js';
import type { AuditPage, AuditRecord, SearchAuditRequest } from './audit.requests.js';

/** A caller's text as PostgreSQL can store it (in text and in jsonb): NUL, escaped or not, as U+FFFD. */
const storable = (text: string | undefined): string | null => (text === undefined ? null : text.replaceAll('\u0000', '\ufffd').replaceAll('\\u0000', '\\ufffd'));

export type NewAuditRecord = Omit<AuditRecord, 'id' | 'at'>;

/** What the record is taken from: an HTTP request as Express gives it, after the sign-in (if any) was read. */
export interface AuditedRequest {
  method: string;
  originalUrl: string;
  route?: { path?: string };
  params?: Record<string, string>;
  body?: unknown;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
  /** Who acted when no one is signed in (an outside app by its key, who tried to sign in), set by the route. */
  auditAs?: string;
}

interface AuditRow {
  id: string;
  at: Date;
  account_id: string | null;
  username: string | null;
  method: string;
  route: string;
  path: string;
  target: Record<string, string>;
  status: number;
  address: string | null;
  user_agent: string | null;
}

/** The sole writer of `audit_record` (it only ever inserts), and its search. */
@Injectable()
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PINO_LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Records a write request with the status it was answered: who (the
   * signed-in account, or what the route set as `auditAs`: the outside app,
   * the username a sign-in tried),
   * what (route, path and its ids; never the body, which may hold a password
   * or a resident's phone), when and from where. A write that happened is not
   * undone for want of its record; the log has it instead.
   */
  async recordRequest(request: AuditedRequest, status: number): Promise<void> {
    try {
      await this.record({
        accountId: request.principal?.accountId,
        username: request.principal?.username ?? request.auditAs,
        method: request.method,
        route: request.route?.path ?? request.originalUrl,
        path: request.originalUrl,
        target: request.params ?? {},
        status,
        ...originOf(request),
      });
    } catch (err) {
      this.log.error({ err, method: request.method, path: request.originalUrl, status }, 'could not record the write in the audit trail');
    }
  }

  /** Writes one record. Its texts are what a caller sent (a path, a user agent), so a NUL, which PostgreSQL cannot hold, is written as U+FFFD. */
  async record(entry: NewAuditRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_record (id, account_id, username, method, route, path, target, status, address, user_agent)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        newId(),
        entry.accountId ?? null,
        storable(entry.username),
        entry.method,
        storable(entry.route),
        storable(entry.path.slice(0, 500)),
        storable(JSON.stringify(entry.target)),
        entry.status,
        storable(entry.address),
        storable(entry.userAgent?.slice(0, 300)),
      ],
    );
  }

  async search(request: SearchAuditRequest): Promise<AuditPage> {
    const limit = request.limit ?? 100;
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT * FROM audit_record r
        WHERE ($1::uuid IS NULL OR account_id = $1)
          AND ($2::text IS NULL OR lower(username) = lower($2))
          AND ($3::text IS NULL OR starts_with(route, $3))
          AND ($4::text IS NULL OR method = $4)
          AND ($5::int IS NULL OR status = $5)
          AND ($6::timestamptz IS NULL OR at >= $6)
          AND ($7::timestamptz IS NULL OR at < $7)
          AND ($8::uuid IS NULL OR (at, id) < (SELECT at, id FROM audit_record WHERE id = $8))
        ORDER BY at DESC, id DESC LIMIT $9`,
      [
        request.accountId ?? null,
        request.username ?? null,
        request.route ?? null,
        request.method ?? null,
        request.status ?? null,
        request.from ?? null,
        request.to ?? null,
        request.after ?? null,
        limit + 1,
      ],
    );
    const items = rows.slice(0, limit).map(recordOf);
    return rows.length > limit ? { items, nextAfter: items.at(-1)!.id } : { items };
  }
}

const recordOf = (row: AuditRow): AuditRecord => ({
  id: row.id,
  at: row.at.toISOString(),
  ...(row.account_id ? { accountId: row.account_id } : {}),
  ...(row.username ? { username: row.username } : {}),
  method: row.method,
  route: row.route,
  path: row.path,
  target: row.target,
  status: row.status,
  ...(row.address ? { address: row.address } : {}),
  ...(row.user_agent ? { userAgent: row.user_agent } : {}),
});

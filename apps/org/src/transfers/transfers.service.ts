import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type DecideTransferRequest,
  type RefuseTransferRequest,
  type RequestTransferRequest,
  type Transfer,
  type TransferHistoryRequest,
  type TransferList,
  type TransferRequest,
} from '@gridwork/contracts';
import { MESSAGING_OPTIONS, publishInTransaction, publishManyInTransaction, runsEvents, type MessagingOptions } from '@gridwork/messaging';
import { PINO_LOGGER } from '@gridwork/observability';
import { BatchPoller, compact, newId } from '@gridwork/persistence';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { isCurrent } from '../members/member.rows.js';
import { MembersService } from '../members/members.service.js';
import { districtOf } from '../organizations/organization.rows.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { assertWithinAreas } from '../scope.js';
import { transferTimerConfig } from './transfer-timers.config.js';

interface TransferRow {
  id: string;
  member_id: string;
  from_organization_id: string;
  to_organization_id: string;
  cross_district: boolean;
  state: Transfer['state'];
  reason: string;
  requested_by: string;
  requested_at: Date;
  due_at: Date;
  settled_at: Date | null;
}

const transferOf = (row: TransferRow): Transfer =>
  compact({
    id: row.id,
    memberId: row.member_id,
    fromOrganizationId: row.from_organization_id,
    toOrganizationId: row.to_organization_id,
    crossDistrict: row.cross_district,
    state: row.state,
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    settledAt: row.settled_at?.toISOString(),
  });

const DEFAULT_RESPOND_WITHIN_DAYS = 30;

/**
 * Relationship transfers: sole writer of `transfer`. The sending side asks,
 * the receiving side accepts (the member moves) or refuses; one not
 * answered by its due time is timed out by a timer that takes due rows with
 * `FOR UPDATE SKIP LOCKED`, so of several replicas one times each out.
 */
@Injectable()
export class TransfersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly config = transferTimerConfig();
  private readonly poller = new BatchPoller({
    intervalMs: this.config.ORG_TRANSFER_TIMER_POLL_MS,
    batchSize: this.config.ORG_TRANSFER_TIMER_BATCH,
    runBatch: () => this.timeOutBatch(),
    onError: (err) => this.log.warn({ err }, 'transfer timeouts paused'),
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
    private readonly approvals: ApprovalsService,
    @Inject(PINO_LOGGER) private readonly log: Logger,
    @Inject(MESSAGING_OPTIONS) private readonly messaging: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (runsEvents(this.messaging)) this.poller.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
  }

  async request(request: RequestTransferRequest): Promise<Transfer> {
    return this.dataSource.transaction(async (em) => {
      const member = await this.members.row(em, request.memberId, 'FOR UPDATE');
      if (!isCurrent(member)) throw new GridworkError(ErrorCode.CONFLICT, `member ${member.number} has left (${member.leaving_reason}, ${member.left_on}): there is no relationship to transfer`);
      if (member.organization_id === request.toOrganizationId) throw new GridworkError(ErrorCode.CONFLICT, `member ${member.number} already belongs to that organization`);
      const from = await this.organizations.visible(em, member.organization_id, undefined);
      assertWithinAreas(request.actor, from.area_path, `member ${member.number}'s organization ${from.name}`);
      const to = await this.organizations.current(em, request.toOrganizationId, 'FOR SHARE');
      if (to.kind === 'group') throw new GridworkError(ErrorCode.CONFLICT, `${to.name} is a group: members belong to its branch`);
      const [open] = await em.query<{ id: string }[]>(`SELECT id FROM transfer WHERE member_id = $1 AND state = 'requested'`, [member.id]);
      if (open) throw new GridworkError(ErrorCode.CONFLICT, `member ${member.number} has a transfer waiting for an answer (${open.id})`);
      const [row] = await em.query<TransferRow[]>(
        `INSERT INTO transfer (id, member_id, from_organization_id, to_organization_id, cross_district, state, reason, requested_by, due_at)
         VALUES ($1, $2, $3, $4, $5, 'requested', $6, $7, now() + make_interval(days => $8)) RETURNING *`,
        [newId(), member.id, from.id, to.id, districtOf(from.area_path) !== districtOf(to.area_path), request.reason, request.actor.id, request.respondWithinDays ?? DEFAULT_RESPOND_WITHIN_DAYS],
      );
      return transferOf(row!);
    });
  }

  async accept(request: DecideTransferRequest): Promise<Transfer> {
    return this.dataSource.transaction(async (em) => {
      const { row, to } = await this.open(em, request.id, request.actor);
      const member = await this.members.row(em, row.member_id, 'FOR UPDATE');
      if (!isCurrent(member)) throw new GridworkError(ErrorCode.CONFLICT, `member ${member.number} has left since the transfer was asked for`);
      const target = await this.organizations.current(em, to, 'FOR SHARE');
      await this.members.moveTo(em, member, target, row.id);
      await this.approvals.record(em, { workflow: 'transfer', subjectId: row.id, step: 'receiving-organization', decision: 'pass', reason: request.reason ?? 'accepted', actor: request.actor });
      return this.settle(em, row.id, 'accepted');
    });
  }

  async refuse(request: RefuseTransferRequest): Promise<Transfer> {
    return this.dataSource.transaction(async (em) => {
      const { row } = await this.open(em, request.id, request.actor);
      await this.approvals.record(em, { workflow: 'transfer', subjectId: row.id, step: 'receiving-organization', decision: 'refuse', reason: request.reason, actor: request.actor });
      return this.settle(em, row.id, 'refused');
    });
  }

  async get(request: TransferRequest): Promise<Transfer> {
    const [row] = await this.dataSource.query<TransferRow[]>(`SELECT * FROM transfer WHERE id = $1`, [request.id]);
    if (!row) throw GridworkError.notFound(`transfer ${request.id}`);
    await this.assertVisible(row, request.viewer);
    return transferOf(row);
  }

  async history(request: TransferHistoryRequest): Promise<TransferList> {
    const member = await this.members.row(this.dataSource.manager, request.memberId);
    const organization = await this.organizations.visible(this.dataSource.manager, member.organization_id, undefined);
    assertWithinAreas(request.viewer, organization.area_path, `member ${member.number}`);
    const rows = await this.dataSource.query<TransferRow[]>(`SELECT * FROM transfer WHERE member_id = $1 ORDER BY requested_at, id`, [member.id]);
    return { items: rows.map(transferOf) };
  }

  /** A transfer waiting for an answer, locked, which the actor may answer as the receiving side. */
  private async open(em: EntityManager, id: string, actor: { id: string; areas?: string[] }): Promise<{ row: TransferRow; to: string }> {
    const [row] = await em.query<TransferRow[]>(`SELECT * FROM transfer WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw GridworkError.notFound(`transfer ${id}`);
    if (row.state !== 'requested') throw new GridworkError(ErrorCode.CONFLICT, `transfer ${id} was ${row.state} on ${row.settled_at!.toISOString()}`);
    const to = await this.organizations.visible(em, row.to_organization_id, undefined);
    assertWithinAreas(actor, to.area_path, `the receiving organization ${to.name}`);
    return { row, to: to.id };
  }

  private async settle(em: EntityManager, id: string, state: Transfer['state']): Promise<Transfer> {
    const [row] = await em.query<TransferRow[]>(`WITH t AS (UPDATE transfer SET state = $2, settled_at = now() WHERE id = $1 RETURNING *) SELECT * FROM t`, [id, state]);
    const transfer = transferOf(row!);
    await publishInTransaction(em, subjects.org.transfer.settled, { transfer });
    return transfer;
  }

  /** Either side may read a transfer: the viewer's areas hold the sending or the receiving organization. */
  private async assertVisible(row: TransferRow, viewer: { id: string; areas?: string[] } | undefined): Promise<void> {
    if (!viewer?.areas) return;
    const from = await this.organizations.visible(this.dataSource.manager, row.from_organization_id, undefined);
    const to = await this.organizations.visible(this.dataSource.manager, row.to_organization_id, undefined);
    assertWithinAreas(viewer, [...from.area_path, ...to.area_path], `transfer ${row.id}`);
  }

  /** Times out a batch of transfers past their due time that no other replica holds; returns how many. */
  private async timeOutBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows = await em.query<TransferRow[]>(
        `WITH due AS (SELECT id FROM transfer WHERE state = 'requested' AND due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         UPDATE transfer t SET state = 'timed-out', settled_at = now() FROM due WHERE t.id = due.id RETURNING t.*`,
        [this.config.ORG_TRANSFER_TIMER_BATCH],
      );
      // TypeORM returns an UPDATE's RETURNING rows as [rows, count].
      const settled = (Array.isArray(rows[0]) ? rows[0] : rows) as TransferRow[];
      await publishManyInTransaction(em, subjects.org.transfer.settled, settled.map((row) => ({ transfer: transferOf(row) })));
      return settled.length;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  type CancelServiceRequest,
  type CompleteServiceRequest,
  type Exchange,
  type GetExchangeRequest,
  type GiveHoursRequest,
  type HoursMoved,
  type MoveBetweenBanksRequest,
  type OfferServiceRequest,
  type RequestServiceRequest,
  type LedgerTransfer,
} from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { LedgerService } from '../ledger/ledger.service.js';
import { digestOf } from '../ledger/ledger.rows.js';
import { VolunteersService, assertWithin } from '../volunteers/volunteers.service.js';
import type { VolunteerRow } from '../volunteers/volunteer.rows.js';

interface ExchangeRow {
  id: string;
  requester_id: string;
  provider_id: string | null;
  description: string;
  minutes: number;
  state: Exchange['state'];
  reservation_id: string | null;
  paid_minutes: number | null;
  resolved_by: string | null;
  digest: string;
  requested_at: Date;
}

const exchangeOf = (row: ExchangeRow): Exchange =>
  compact<Exchange>({
    id: row.id,
    requesterId: row.requester_id,
    providerId: row.provider_id ?? undefined,
    description: row.description,
    minutes: row.minutes,
    state: row.state,
    reservationId: row.reservation_id ?? undefined,
    paidMinutes: row.paid_minutes ?? undefined,
    requestedAt: row.requested_at.toISOString(),
  });

const movedOf = (t: LedgerTransfer): HoursMoved => ({ transferId: t.id, debitAccountId: t.debitAccountId, creditAccountId: t.creditAccountId, minutes: t.amount, at: t.createdAt });

/**
 * Spending hours: sole writer of `exchange`. A request is matched to an
 * offer by reserving the requester's minutes (a pending transfer to the
 * provider under the offer's id), and completing posts it, all or part;
 * cancelling voids it. Each step locks the exchange's row, so it happens
 * once; the ledger guarantees the minutes move once.
 */
@Injectable()
export class ExchangesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
    private readonly ledger: LedgerService,
    private readonly volunteers: VolunteersService,
  ) {}

  request(request: RequestServiceRequest): Promise<Exchange> {
    return this.dataSource.transaction(async (em) => {
      const requester = await this.volunteer(em, request.volunteerId, 'volunteerId');
      assertWithin(requester.home_path, request.actor, `volunteer ${requester.name}`);
      const digest = digestOf('exchange.request', { volunteerId: request.volunteerId, description: request.description, minutes: request.minutes });
      await em.query(
        `INSERT INTO exchange (id, requester_id, description, minutes, state, digest, requested_by) VALUES ($1, $2, $3, $4, 'open', $5, $6) ON CONFLICT (id) DO NOTHING`,
        [request.id, requester.id, request.description, request.minutes, digest, request.actor.id],
      );
      const row = (await this.row(em, request.id))!;
      if (row.digest !== digest) throw new GridworkError(ErrorCode.CONFLICT, `exchange ${request.id} was already requested with other content; a new request needs a new id`);
      return exchangeOf(row);
    });
  }

  offer(request: OfferServiceRequest): Promise<Exchange> {
    return this.step(request.exchangeId, async (em, row) => {
      if (row.state === 'matched' && row.reservation_id === request.id && row.provider_id === request.volunteerId) return row;
      if (row.state !== 'open') throw new GridworkError(ErrorCode.CONFLICT, `exchange ${row.id} is ${row.state}: only an open request takes an offer`);
      if (request.volunteerId === row.requester_id) throw GridworkError.validation([{ field: 'volunteerId', messages: ['volunteerId must be someone other than the requester'] }]);
      const provider = await this.volunteer(em, request.volunteerId, 'volunteerId');
      const requester = (await this.volunteers.volunteer(em, row.requester_id))!;
      // The requester's minutes are held for the provider until the service is done; the ledger refuses what they do not have.
      await this.ledger.transferIn(em, {
        id: request.id,
        debitAccountId: requester.time_account_id,
        creditAccountId: provider.time_account_id,
        amount: row.minutes,
        code: 'withdrawal',
        reference: `exchange:${row.id}`,
        pending: true,
        actor: request.actor,
      });
      await em.query(`UPDATE exchange SET state = 'matched', provider_id = $2, reservation_id = $3 WHERE id = $1`, [row.id, provider.id, request.id]);
      return undefined;
    });
  }

  complete(request: CompleteServiceRequest): Promise<Exchange> {
    return this.step(request.exchangeId, async (em, row) => {
      if (row.state === 'completed' && row.resolved_by === request.id) return row;
      if (row.state !== 'matched') throw new GridworkError(ErrorCode.CONFLICT, `exchange ${row.id} is ${row.state}: only a matched one is completed`);
      if (request.minutes !== undefined && request.minutes > row.minutes) {
        throw GridworkError.validation([{ field: 'minutes', messages: [`minutes must be at most ${row.minutes}, what was reserved`] }]);
      }
      const paid = await this.ledger.postIn(em, { id: request.id, pendingId: row.reservation_id!, amount: request.minutes, actor: request.actor });
      await em.query(`UPDATE exchange SET state = 'completed', paid_minutes = $2, resolved_by = $3 WHERE id = $1`, [row.id, paid.amount, request.id]);
      return undefined;
    });
  }

  cancel(request: CancelServiceRequest): Promise<Exchange> {
    return this.step(request.exchangeId, async (em, row) => {
      if (row.state === 'cancelled' && row.resolved_by === request.id) return row;
      if (row.state !== 'open' && row.state !== 'matched') throw new GridworkError(ErrorCode.CONFLICT, `exchange ${row.id} is ${row.state}`);
      if (row.state === 'matched') await this.ledger.voidIn(em, { id: request.id, pendingId: row.reservation_id!, note: 'request cancelled', actor: request.actor });
      await em.query(`UPDATE exchange SET state = 'cancelled', resolved_by = $2 WHERE id = $1`, [row.id, request.id]);
      return undefined;
    });
  }

  async get(request: GetExchangeRequest): Promise<Exchange> {
    const row = await this.row(this.dataSource.manager, request.id);
    if (!row) throw GridworkError.notFound(`exchange ${request.id}`);
    return exchangeOf(row);
  }

  /** A gift of hours to a family member: a gift transfer between their time accounts. */
  give(request: GiveHoursRequest): Promise<HoursMoved> {
    return this.dataSource.transaction(async (em) => {
      if (request.fromVolunteerId === request.toVolunteerId) throw GridworkError.validation([{ field: 'toVolunteerId', messages: ['toVolunteerId must be someone else'] }]);
      const from = await this.volunteer(em, request.fromVolunteerId, 'fromVolunteerId');
      const to = await this.volunteer(em, request.toVolunteerId, 'toVolunteerId');
      const moved = await this.ledger.transferIn(em, {
        id: request.id,
        debitAccountId: from.time_account_id,
        creditAccountId: to.time_account_id,
        amount: request.minutes,
        code: 'gift',
        reference: `gift:${request.id}`,
        note: request.note,
        actor: request.actor,
      });
      return movedOf(moved);
    });
  }

  /** Hours from one community's time bank (its pool) to another's. */
  moveBetweenBanks(request: MoveBetweenBanksRequest): Promise<HoursMoved> {
    return this.dataSource.transaction(async (em) => {
      if (request.fromCommunityCode === request.toCommunityCode) throw GridworkError.validation([{ field: 'toCommunityCode', messages: ['toCommunityCode must be another community'] }]);
      const from = await this.areas.current(em, request.fromCommunityCode);
      const to = await this.areas.current(em, request.toCommunityCode);
      assertWithin(from.path, request.actor, `community ${from.code}`);
      const pool = (area: { code: string }) => this.ledger.organizationAccount(em, 'community', area.code, area.code, 'time', request.actor);
      const moved = await this.ledger.transferIn(em, {
        id: request.id,
        debitAccountId: await pool(from),
        creditAccountId: await pool(to),
        amount: request.minutes,
        code: 'gift',
        reference: `bank:${from.code}-${to.code}`,
        note: request.reason,
        actor: request.actor,
      });
      return movedOf(moved);
    });
  }

  /** One step of an exchange: its row locked, then `apply` (the ledger checks the actor's scope on the requester's account), then the row read back. */
  private step(id: string, apply: (em: EntityManager, row: ExchangeRow) => Promise<ExchangeRow | undefined>): Promise<Exchange> {
    return this.dataSource.transaction(async (em) => {
      const [locked] = await em.query<ExchangeRow[]>(`SELECT * FROM exchange WHERE id = $1 FOR UPDATE`, [id]);
      if (!locked) throw GridworkError.notFound(`exchange ${id}`);
      const unchanged = await apply(em, locked);
      return exchangeOf(unchanged ?? (await this.row(em, id))!);
    });
  }

  private async volunteer(em: EntityManager, id: string, field: string): Promise<VolunteerRow> {
    const row = await this.volunteers.volunteer(em, id);
    if (!row) throw GridworkError.notFound(`volunteer ${id} (${field})`);
    return row;
  }

  private async row(em: EntityManager, id: string): Promise<ExchangeRow | undefined> {
    const [row] = await em.query<ExchangeRow[]>(`SELECT * FROM exchange WHERE id = $1`, [id]);
    return row;
  }
}

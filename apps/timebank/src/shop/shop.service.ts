import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  DEFAULT_PICKUP_SECONDS,
  ErrorCode,
  GridworkError,
  subjects,
  type DefineRewardRequest,
  type GetRedemptionRequest,
  type GetRewardRequest,
  type ListRedemptionsRequest,
  type ListRewardsRequest,
  type RedeemRequest,
  type Redemption,
  type RedemptionPage,
  type ResolveRedemptionRequest,
  type Reward,
  type RewardPage,
  type TimebankActor,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { pageOf } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import { LedgerService } from '../ledger/ledger.service.js';
import { digestOf } from '../ledger/ledger.rows.js';
import { REDEMPTION_COLUMNS, REWARD_COLUMNS, toRedemption, toReward, type RedemptionRow, type RewardRow } from './shop.rows.js';

const DEFAULT_PAGE = 100;

/**
 * The points shop: sole writer of `reward` and `redemption`. A redemption's
 * stock and points move together: each command locks the reward's row
 * first (so stock and the per-person limit are counted under the lock),
 * then the ledger locks the accounts, and the reward's counts and the
 * ledger transfer commit in one transaction, or neither does.
 */
@Injectable()
export class ShopService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly areas: GridAreasReadModel,
  ) {}

  define(request: DefineRewardRequest): Promise<Reward> {
    return this.dataSource.transaction(async (em) => {
      const community = await this.areas.current(em, request.communityCode);
      if (request.actor.areas && !request.actor.areas.some((code) => community.path.includes(code))) {
        throw new GridworkError(ErrorCode.FORBIDDEN, `${request.communityCode} lies outside ${request.actor.areas.join(', ')} where ${request.actor.id} acts: its shop is not theirs to stock`);
      }
      const pickup = request.pickupSeconds ?? DEFAULT_PICKUP_SECONDS;
      const [existing] = await em.query<RewardRow[]>(`SELECT ${REWARD_COLUMNS} FROM reward WHERE id = $1 FOR UPDATE`, [request.id]);
      if (existing) {
        if (existing.community_code !== request.communityCode) {
          throw new GridworkError(ErrorCode.CONFLICT, `reward ${request.id} belongs to the shop of ${existing.community_code}; a reward does not move between shops`);
        }
        if (request.stock < existing.reserved + existing.issued) {
          throw new GridworkError(ErrorCode.CONFLICT, `reward ${request.id} has ${existing.issued} issued and ${existing.reserved} reserved: its stock cannot go below ${existing.issued + existing.reserved}`);
        }
        const [row] = await em.query<RewardRow[]>(
          `WITH changed AS (UPDATE reward SET name = $2, points = $3, stock = $4, per_person_limit = $5, pickup_seconds = $6, defined_by = $7, updated_at = now()
             WHERE id = $1 RETURNING ${REWARD_COLUMNS}) SELECT * FROM changed`,
          [request.id, request.name, request.points, request.stock, request.perPersonLimit ?? null, pickup, request.actor.id],
        );
        return toReward(row!);
      }
      // The community's shop account for points, opened with its first reward.
      const shop = await this.ledger.organizationAccount(em, 'shop', request.communityCode, request.communityCode, 'points', request.actor);
      const [row] = await em.query<RewardRow[]>(
        `INSERT INTO reward (id, community_code, name, points, stock, per_person_limit, pickup_seconds, shop_account_id, defined_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${REWARD_COLUMNS}`,
        [request.id, request.communityCode, request.name, request.points, request.stock, request.perPersonLimit ?? null, pickup, shop, request.actor.id],
      );
      return toReward(row!);
    });
  }

  async getReward(request: GetRewardRequest): Promise<Reward> {
    const [row] = await this.dataSource.query<RewardRow[]>(`SELECT ${REWARD_COLUMNS} FROM reward WHERE id = $1`, [request.id]);
    if (!row) throw GridworkError.notFound(`reward ${request.id}`);
    return toReward(row);
  }

  async listRewards(request: ListRewardsRequest): Promise<RewardPage> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await this.dataSource.query<RewardRow[]>(
      `SELECT ${REWARD_COLUMNS} FROM reward WHERE community_code = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
      [request.communityCode, request.after ?? null, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, toReward);
  }

  redeem(request: RedeemRequest): Promise<Redemption> {
    return this.dataSource.transaction(async (em) => {
      const quantity = request.quantity ?? 1;
      const digest = digestOf('redemption.redeem', { rewardId: request.rewardId, accountId: request.accountId, quantity });
      const reward = await this.lockReward(em, request.rewardId);
      const repeat = await this.redemptionById(em, request.id);
      if (repeat) {
        if (repeat.digest !== digest) throw new GridworkError(ErrorCode.CONFLICT, `redemption ${request.id} was already made by a command with other content; a new command needs a new id`);
        return toRedemption(repeat);
      }
      const account = await this.ledger.findAccount(em, request.accountId);
      if (!account) throw GridworkError.notFound(`account ${request.accountId}`);
      if (account.currency !== 'points') throw GridworkError.validation([{ field: 'accountId', messages: [`accountId is a ${account.currency} account; rewards are paid in points`] }]);
      const left = reward.stock - reward.reserved - reward.issued;
      if (quantity > left) throw new GridworkError(ErrorCode.CONFLICT, `reward ${reward.name} has ${left} left; ${quantity} asked`);
      if (reward.per_person_limit !== null) {
        const [{ held }] = (await em.query<{ held: number }[]>(
          `SELECT coalesce(sum(quantity), 0)::int AS held FROM redemption WHERE reward_id = $1 AND account_id = $2 AND state IN ('reserved', 'picked-up')`,
          [reward.id, account.id],
        )) as [{ held: number }];
        if (held + quantity > reward.per_person_limit) {
          throw new GridworkError(ErrorCode.CONFLICT, `reward ${reward.name} allows ${reward.per_person_limit} per person; account ${account.id} holds ${held}`);
        }
      }
      const points = Number(reward.points) * quantity;
      // The points are reserved under the redemption's own id; the ledger refuses what the account cannot cover.
      await this.ledger.transferIn(em, {
        id: request.id,
        debitAccountId: account.id,
        creditAccountId: reward.shop_account_id,
        amount: points,
        code: 'redemption',
        reference: `redemption:${request.id}`,
        pending: true,
        actor: request.actor,
      });
      await em.query(`UPDATE reward SET reserved = reserved + $2 WHERE id = $1`, [reward.id, quantity]);
      const [row] = await em.query<RedemptionRow[]>(
        `INSERT INTO redemption (id, reward_id, account_id, quantity, points, state, pickup_by, digest, redeemed_by)
         VALUES ($1, $2, $3, $4, $5, 'reserved', now() + make_interval(secs => $6::int), $7, $8) RETURNING ${REDEMPTION_COLUMNS}`,
        [request.id, reward.id, account.id, quantity, points, reward.pickup_seconds, digest, request.actor.id],
      );
      return toRedemption(row!);
    });
  }

  pickUp(request: ResolveRedemptionRequest): Promise<Redemption> {
    return this.dataSource.transaction((em) => this.resolve(em, request.id, request.redemptionId, request.actor, 'picked-up'));
  }

  cancel(request: ResolveRedemptionRequest): Promise<Redemption> {
    return this.dataSource.transaction((em) => this.resolve(em, request.id, request.redemptionId, request.actor, 'cancelled'));
  }

  /**
   * Expires reservations past their pickup deadline, as the timer finds
   * them: takes the rewards it can lock now (SKIP LOCKED; a pickup in
   * progress holds its reward) and voids each reservation's points and stock
   * together. Returns how many expired.
   */
  async expireDue(em: EntityManager, now: Date, batch: number, newId: () => string): Promise<number> {
    const due = await em.query<{ id: string; reward_id: string }[]>(
      `SELECT id, reward_id FROM redemption WHERE state = 'reserved' AND pickup_by <= $1 ORDER BY pickup_by LIMIT $2`,
      [now, batch],
    );
    if (due.length === 0) return 0;
    const locked = await em.query<{ id: string }[]>(`SELECT id FROM reward WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`, [[...new Set(due.map((d) => d.reward_id))]]);
    const free = new Set(locked.map((r) => r.id));
    let expired = 0;
    for (const d of due.filter((d) => free.has(d.reward_id))) {
      const [current] = await em.query<RedemptionRow[]>(`SELECT ${REDEMPTION_COLUMNS} FROM redemption WHERE id = $1`, [d.id]);
      if (current?.state !== 'reserved') continue;
      await this.release(em, current, newId(), { id: 'system' }, 'expired');
      expired++;
    }
    return expired;
  }

  async getRedemption(request: GetRedemptionRequest): Promise<Redemption> {
    const row = await this.redemptionById(this.dataSource.manager, request.id);
    if (!row) throw GridworkError.notFound(`redemption ${request.id}`);
    return toRedemption(row);
  }

  async listRedemptions(request: ListRedemptionsRequest): Promise<RedemptionPage> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await this.dataSource.query<RedemptionRow[]>(
      `SELECT ${REDEMPTION_COLUMNS} FROM redemption
        WHERE ($1::uuid IS NULL OR reward_id = $1) AND ($2::uuid IS NULL OR account_id = $2) AND ($3::text IS NULL OR state = $3)
          AND ($4::uuid IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [request.rewardId ?? null, request.accountId ?? null, request.state ?? null, request.after ?? null, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, toRedemption);
  }

  private async resolve(em: EntityManager, id: string, redemptionId: string, actor: TimebankActor, to: 'picked-up' | 'cancelled'): Promise<Redemption> {
    const first = await this.redemptionById(em, redemptionId);
    if (!first) throw GridworkError.notFound(`redemption ${redemptionId}`);
    await this.lockReward(em, first.reward_id);
    // Read again under the reward's lock: a pickup, cancellation or expiry may have just resolved it.
    const redemption = (await this.redemptionById(em, redemptionId))!;
    if (redemption.state !== 'reserved') {
      if (redemption.resolved_by === id && redemption.state === to) return toRedemption(redemption);
      throw new GridworkError(ErrorCode.CONFLICT, `redemption ${redemptionId} is already ${redemption.state}`);
    }
    return this.release(em, redemption, id, actor, to);
  }

  /** Resolves a reserved redemption: its points posted (picked up) or voided, and its stock with them. */
  private async release(em: EntityManager, redemption: RedemptionRow, id: string, actor: TimebankActor, to: 'picked-up' | 'cancelled' | 'expired'): Promise<Redemption> {
    if (to === 'picked-up') await this.ledger.postIn(em, { id, pendingId: redemption.id, actor });
    else await this.ledger.voidIn(em, { id, pendingId: redemption.id, note: to === 'expired' ? 'not picked up in time' : undefined, actor });
    await em.query(`UPDATE reward SET reserved = reserved - $2, issued = issued + CASE WHEN $3 THEN $2 ELSE 0 END WHERE id = $1`, [
      redemption.reward_id,
      redemption.quantity,
      to === 'picked-up',
    ]);
    const [row] = await em.query<RedemptionRow[]>(
      `WITH done AS (UPDATE redemption SET state = $2, resolved_by = $3, resolved_at = now() WHERE id = $1 RETURNING ${REDEMPTION_COLUMNS}) SELECT * FROM done`,
      [redemption.id, to, id],
    );
    const resolved = toRedemption(row!);
    if (to === 'picked-up') {
      const [reward] = await em.query<RewardRow[]>(`SELECT ${REWARD_COLUMNS} FROM reward WHERE id = $1`, [redemption.reward_id]);
      await publishInTransaction(em, subjects.timebank.reward.redeemed, { redemption: resolved, rewardName: reward!.name, communityCode: reward!.community_code });
    }
    return resolved;
  }

  private async lockReward(em: EntityManager, id: string): Promise<RewardRow> {
    const [row] = await em.query<RewardRow[]>(`SELECT ${REWARD_COLUMNS} FROM reward WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw GridworkError.notFound(`reward ${id}`);
    return row;
  }

  private async redemptionById(em: EntityManager, id: string): Promise<RedemptionRow | undefined> {
    const [row] = await em.query<RedemptionRow[]>(`SELECT ${REDEMPTION_COLUMNS} FROM redemption WHERE id = $1`, [id]);
    return row;
  }
}

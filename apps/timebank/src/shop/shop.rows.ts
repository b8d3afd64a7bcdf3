import type { Redemption, Reward } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

export const REWARD_COLUMNS = 'id, community_code, name, points, stock, reserved, issued, per_person_limit, pickup_seconds, shop_account_id';

export interface RewardRow {
  id: string;
  community_code: string;
  name: string;
  points: string;
  stock: number;
  reserved: number;
  issued: number;
  per_person_limit: number | null;
  pickup_seconds: number;
  shop_account_id: string;
}

export function toReward(row: RewardRow): Reward {
  return compact<Reward>({
    id: row.id,
    communityCode: row.community_code,
    name: row.name,
    points: Number(row.points),
    stock: row.stock,
    reserved: row.reserved,
    issued: row.issued,
    available: row.stock - row.reserved - row.issued,
    perPersonLimit: row.per_person_limit ?? undefined,
    pickupSeconds: row.pickup_seconds,
    shopAccountId: row.shop_account_id,
  });
}

export const REDEMPTION_COLUMNS = 'id, reward_id, account_id, quantity, points, state, pickup_by, digest, redeemed_at, resolved_by, resolved_at';

export interface RedemptionRow {
  id: string;
  reward_id: string;
  account_id: string;
  quantity: number;
  points: string;
  state: Redemption['state'];
  pickup_by: Date;
  digest: string;
  redeemed_at: Date;
  resolved_by: string | null;
  resolved_at: Date | null;
}

export function toRedemption(row: RedemptionRow): Redemption {
  return compact<Redemption>({
    id: row.id,
    rewardId: row.reward_id,
    accountId: row.account_id,
    quantity: row.quantity,
    points: Number(row.points),
    state: row.state,
    transferId: row.id,
    resolvedBy: row.resolved_by ?? undefined,
    pickupBy: row.pickup_by.toISOString(),
    redeemedAt: row.redeemed_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString(),
  });
}

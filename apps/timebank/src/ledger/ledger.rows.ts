import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ErrorCode, GridworkError, liesWithin, type Account, type PendingState, type TimebankActor, type LedgerTransfer } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

/** The columns of an `account` row, as every query of the ledger reads them. */
export const ACCOUNT_COLUMNS = `id, owner_kind, owner_id, area_code, area_path, currency, debits_must_not_exceed_credits,
  debits_pending, debits_posted, credits_pending, credits_posted, digest, opened_at`;

export interface AccountRow {
  id: string;
  owner_kind: Account['ownerKind'];
  owner_id: string;
  area_code: string;
  area_path: string[];
  currency: Account['currency'];
  debits_must_not_exceed_credits: boolean;
  // bigint columns arrive as strings; amounts stay far inside exact integers (MAX_AMOUNT per transfer).
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  digest: string;
  opened_at: Date;
}

export function toAccount(row: AccountRow): Account {
  const [dp, dd, cp, cd] = [Number(row.debits_pending), Number(row.debits_posted), Number(row.credits_pending), Number(row.credits_posted)];
  return {
    id: row.id,
    ownerKind: row.owner_kind,
    ownerId: row.owner_id,
    areaCode: row.area_code,
    currency: row.currency,
    debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
    debitsPending: dp,
    debitsPosted: dd,
    creditsPending: cp,
    creditsPosted: cd,
    balance: cd - dd,
    available: cd - dd - dp,
    openedAt: row.opened_at.toISOString(),
  };
}

/** The columns of a `transfer` row; `state` is a pending transfer's, from the transfer that resolved it. */
export const TRANSFER_COLUMNS = `t.id, t.kind, t.debit_account_id, t.credit_account_id, t.amount, t.currency, t.code, t.reference, t.pending_id,
  t.corrects_id, t.timeout_at, t.note, t.digest, t.actor_id, t.created_at,
  CASE WHEN t.kind = 'pending' THEN coalesce((SELECT r.kind FROM transfer r WHERE r.pending_id = t.id), 'pending') END AS resolution`;

export interface TransferRow {
  id: string;
  kind: LedgerTransfer['kind'];
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: LedgerTransfer['currency'];
  code: LedgerTransfer['code'];
  reference: string;
  pending_id: string | null;
  corrects_id: string | null;
  timeout_at: Date | null;
  note: string | null;
  digest: string;
  actor_id: string;
  created_at: Date;
  resolution: 'pending' | 'post' | 'void' | 'expire' | null;
}

const STATE_OF: Record<string, PendingState> = { pending: 'pending', post: 'posted', void: 'voided', expire: 'expired' };

export function toTransfer(row: TransferRow): LedgerTransfer {
  return compact<LedgerTransfer>({
    id: row.id,
    kind: row.kind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: Number(row.amount),
    currency: row.currency,
    code: row.code,
    reference: row.reference,
    pendingId: row.pending_id ?? undefined,
    correctsId: row.corrects_id ?? undefined,
    timeoutAt: row.timeout_at?.toISOString(),
    state: row.resolution ? STATE_OF[row.resolution] : undefined,
    note: row.note ?? undefined,
    actorId: row.actor_id,
    createdAt: row.created_at.toISOString(),
  });
}

/**
 * What a command said, as a short fingerprint: a command sent again under its
 * id is compared by this, so a retry answers the first result and a
 * different command under a used id is CONFLICT. The command's name is part
 * of it (a post and a void under one id differ); the actor is not (a retry
 * from another replica of the gateway may name them differently).
 */
export function digestOf(command: string, content: Record<string, unknown>): string {
  const canonical = JSON.stringify([command, Object.keys(content).sort().map((key) => [key, content[key] ?? null])]);
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Locks these accounts in id order (the one order every ledger command takes, so two never wait on each other in a cycle). */
export async function lockAccounts(em: EntityManager, ids: string[]): Promise<Map<string, AccountRow>> {
  const rows = await em.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM account WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  return new Map(rows.map((row) => [row.id, row]));
}

/** An actor acting within areas may take only from accounts inside one of them. */
export function assertWithinActorsAreas(account: AccountRow, actor: TimebankActor, doing: string): void {
  if (actor.areas && !liesWithin(account.area_path, actor.areas)) {
    throw new GridworkError(ErrorCode.FORBIDDEN, `account ${account.id} belongs to ${account.area_code}, outside ${actor.areas.join(', ')} where ${actor.id} acts: ${doing} refused`);
  }
}

/** One movement of a transfer on one of its accounts' four sums. */
export interface Movement {
  accountId: string;
  side: 'debit' | 'credit';
  phase: 'pending' | 'posted';
  amount: number;
}

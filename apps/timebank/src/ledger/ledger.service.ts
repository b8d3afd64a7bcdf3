import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  liesWithin,
  type Account,
  type LedgerAccountPage,
  type CorrectTransferRequest,
  type CreateTransferRequest,
  type GetAccountRequest,
  type GetTransferRequest,
  type ListLedgerAccountsRequest,
  type ListTransfersRequest,
  type OpenAccountRequest,
  type PostTransferRequest,
  type TimebankActor,
  type LedgerTransfer,
  type LedgerTransferPage,
  type VoidTransferRequest,
} from '@gridwork/contracts';
import { newId, pageOf } from '@gridwork/persistence';
import { GridAreasReadModel } from '@gridwork/area-read-model';
import {
  ACCOUNT_COLUMNS,
  TRANSFER_COLUMNS,
  assertWithinActorsAreas,
  digestOf,
  lockAccounts,
  toAccount,
  toTransfer,
  type AccountRow,
  type Movement,
  type TransferRow,
} from './ledger.rows.js';

const DEFAULT_PAGE = 100;

/** Reservations features hold, by their reference's kind, and the endpoints that resolve them. */
const OWNED_RESERVATIONS = [
  { prefix: 'redemption', through: 'redemption.pick-up or redemption.cancel' },
  { prefix: 'exchange', through: 'exchange.complete or exchange.cancel' },
];

/** A new transfer's row, before it is written. */
interface NewTransfer {
  id: string;
  kind: LedgerTransfer['kind'];
  debit: AccountRow;
  credit: AccountRow;
  amount: number;
  code: LedgerTransfer['code'];
  reference: string;
  pendingId?: string;
  correctsId?: string;
  timeoutSeconds?: number;
  note?: string;
  digest: string;
  actorId: string;
}

/**
 * The ledger: sole writer of `account`, `transfer`, `entry` and
 * `open_pending`. Every command runs in one transaction that locks the
 * accounts it touches in id order, then checks its id (a retry answers the
 * first result), then its rules, then writes the transfer, its entries and
 * the accounts' sums together. Other features (the shop, activities, earning
 * rules) move hours and points only through `transfer`, `post`, `void` and
 * `correct` here, inside their own transactions.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly areas: GridAreasReadModel,
  ) {}

  open(request: OpenAccountRequest): Promise<Account> {
    return this.dataSource.transaction((em) => this.openIn(em, request));
  }

  /** Opens an account in the caller's transaction; the same id and content again answers the account. */
  async openIn(em: EntityManager, request: OpenAccountRequest): Promise<Account> {
    const flagged = request.debitsMustNotExceedCredits ?? request.ownerKind === 'volunteer';
    const digest = digestOf('account.open', {
      ownerKind: request.ownerKind,
      ownerId: request.ownerId,
      areaCode: request.areaCode,
      currency: request.currency,
      debitsMustNotExceedCredits: flagged,
    });
    const existing = await this.accountById(em, request.id);
    if (existing) return this.repeated(existing.digest, digest, `account ${request.id}`, () => toAccount(existing));
    const area = await this.areas.current(em, request.areaCode);
    if (request.actor.areas && !request.actor.areas.some((code) => area.path.includes(code))) {
      throw new GridworkError(ErrorCode.FORBIDDEN, `${request.areaCode} lies outside ${request.actor.areas.join(', ')} where ${request.actor.id} acts: opening an account there refused`);
    }
    const [row] = await em.query<AccountRow[]>(
      `INSERT INTO account (id, owner_kind, owner_id, area_code, area_path, currency, debits_must_not_exceed_credits, digest, opened_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
      [request.id, request.ownerKind, request.ownerId, request.areaCode, area.path, request.currency, flagged, digest, request.actor.id],
    );
    if (row) return toAccount(row);
    // Either the same id raced us (answer as a retry) or the owner already has an account of this currency.
    const raced = await this.accountById(em, request.id);
    if (raced) return this.repeated(raced.digest, digest, `account ${request.id}`, () => toAccount(raced));
    const [other] = await em.query<{ id: string }[]>(`SELECT id FROM account WHERE owner_kind = $1 AND owner_id = $2 AND currency = $3`, [
      request.ownerKind,
      request.ownerId,
      request.currency,
    ]);
    throw new GridworkError(ErrorCode.CONFLICT, `${request.ownerKind} ${request.ownerId} already has a ${request.currency} account, ${other?.id}`);
  }

  async getAccount(request: GetAccountRequest): Promise<Account> {
    const row = await this.accountById(this.dataSource.manager, request.id);
    if (!row) throw GridworkError.notFound(`account ${request.id}`);
    assertReadable(row, request.withinAreas);
    return toAccount(row);
  }

  async listAccounts(request: ListLedgerAccountsRequest): Promise<LedgerAccountPage> {
    const limit = request.limit ?? DEFAULT_PAGE;
    const rows = await this.dataSource.query<AccountRow[]>(
      `SELECT ${ACCOUNT_COLUMNS} FROM account
        WHERE ($1::text IS NULL OR owner_kind = $1) AND ($2::text IS NULL OR owner_id = $2)
          AND ($3::text IS NULL OR area_path @> ARRAY[$3::text]) AND ($4::text IS NULL OR currency = $4)
          AND ($5::text[] IS NULL OR area_path && $5::text[]) AND ($6::uuid IS NULL OR id > $6)
        ORDER BY id LIMIT $7`,
      [request.ownerKind ?? null, request.ownerId ?? null, request.areaCode ?? null, request.currency ?? null, request.withinAreas ?? null, request.after ?? null, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, toAccount);
  }

  transfer(request: CreateTransferRequest): Promise<LedgerTransfer> {
    return this.dataSource.transaction((em) => this.transferIn(em, request));
  }

  /** A single or pending transfer, in the caller's transaction. */
  async transferIn(em: EntityManager, request: CreateTransferRequest): Promise<LedgerTransfer> {
    const pending = request.pending ?? false;
    const digest = digestOf('transfer.create', {
      debitAccountId: request.debitAccountId,
      creditAccountId: request.creditAccountId,
      amount: request.amount,
      code: request.code,
      reference: request.reference,
      pending,
      timeoutSeconds: request.timeoutSeconds,
      note: request.note,
    });
    const wrong: { field: string; messages: string[] }[] = [];
    if (request.debitAccountId === request.creditAccountId) wrong.push({ field: 'creditAccountId', messages: ['creditAccountId must differ from debitAccountId'] });
    if (request.timeoutSeconds !== undefined && !pending) wrong.push({ field: 'timeoutSeconds', messages: ['timeoutSeconds is only for a pending transfer'] });
    if (wrong.length) throw GridworkError.validation(wrong);

    const accounts = await lockAccounts(em, [request.debitAccountId, request.creditAccountId]);
    const repeat = await this.repeatOf(em, request.id, digest);
    if (repeat) return repeat;
    const debit = accounts.get(request.debitAccountId);
    const credit = accounts.get(request.creditAccountId);
    if (!debit) throw GridworkError.notFound(`debit account ${request.debitAccountId}`);
    if (!credit) throw GridworkError.notFound(`credit account ${request.creditAccountId}`);
    if (debit.currency !== credit.currency) {
      throw GridworkError.validation([
        { field: 'creditAccountId', messages: [`creditAccountId holds ${credit.currency}, the debit account ${debit.currency}: a transfer moves one currency`] },
      ]);
    }
    assertWithinActorsAreas(debit, request.actor, `a ${request.code} transfer from it`);
    assertCovers(debit, request.amount);
    return this.write(
      em,
      {
        id: request.id,
        kind: pending ? 'pending' : 'single',
        debit,
        credit,
        amount: request.amount,
        code: request.code,
        reference: request.reference,
        timeoutSeconds: request.timeoutSeconds,
        note: request.note,
        digest,
        actorId: request.actor.id,
      },
      pending
        ? [
            { accountId: debit.id, side: 'debit', phase: 'pending', amount: request.amount },
            { accountId: credit.id, side: 'credit', phase: 'pending', amount: request.amount },
          ]
        : [
            { accountId: debit.id, side: 'debit', phase: 'posted', amount: request.amount },
            { accountId: credit.id, side: 'credit', phase: 'posted', amount: request.amount },
          ],
    );
  }

  post(request: PostTransferRequest): Promise<LedgerTransfer> {
    return this.dataSource.transaction(async (em) => {
      await this.refuseOwned(em, request.pendingId, 'post');
      return this.postIn(em, request);
    });
  }

  /** Posts a reservation, all or part; what is not posted is released. */
  async postIn(em: EntityManager, request: PostTransferRequest): Promise<LedgerTransfer> {
    const digest = digestOf('transfer.post', { pendingId: request.pendingId, amount: request.amount });
    return this.resolve(em, request.id, request.pendingId, digest, request.actor, 'post', (pending) => {
      const reserved = Number(pending.amount);
      if (request.amount !== undefined && request.amount > reserved) {
        throw GridworkError.validation([{ field: 'amount', messages: [`amount must be at most ${reserved}, what transfer ${pending.id} reserved`] }]);
      }
      return request.amount ?? reserved;
    });
  }

  void(request: VoidTransferRequest): Promise<LedgerTransfer> {
    return this.dataSource.transaction(async (em) => {
      await this.refuseOwned(em, request.pendingId, 'void');
      return this.voidIn(em, request);
    });
  }

  /**
   * A reservation a feature holds (a redemption's points, an exchange's
   * minutes) is resolved only through that feature, which moves its own
   * state (the stock, the exchange) in the same transaction: posting or
   * voiding it straight through the ledger would leave them apart.
   */
  private async refuseOwned(em: EntityManager, pendingId: string, doing: string): Promise<void> {
    const [row] = await em.query<{ reference: string }[]>(`SELECT reference FROM transfer WHERE id = $1 AND kind = 'pending'`, [pendingId]);
    const owner = row && OWNED_RESERVATIONS.find((o) => row.reference.startsWith(`${o.prefix}:`));
    if (owner) throw new GridworkError(ErrorCode.CONFLICT, `transfer ${pendingId} is held by ${owner.prefix} ${row.reference.slice(owner.prefix.length + 1)}: ${doing} it through ${owner.through}`);
  }

  async voidIn(em: EntityManager, request: VoidTransferRequest): Promise<LedgerTransfer> {
    const digest = digestOf('transfer.void', { pendingId: request.pendingId, note: request.note });
    return this.resolve(em, request.id, request.pendingId, digest, request.actor, 'void', (pending) => Number(pending.amount), request.note);
  }

  /**
   * Expires reservations whose time is up, as the timer finds them: each is
   * voided by an `expire` transfer (its id fresh, as no caller sent one).
   * Only reservations whose accounts and row are free now are taken (SKIP
   * LOCKED, accounts first as every command takes them): one held by a
   * post or void in progress is that command's, and any left are taken at the
   * next poll. Returns how many expired.
   */
  async expireDue(em: EntityManager, now: Date, batch: number, newId: () => string): Promise<number> {
    const due = await em.query<{ transfer_id: string; debit_account_id: string; credit_account_id: string }[]>(
      `SELECT o.transfer_id, t.debit_account_id, t.credit_account_id FROM open_pending o JOIN transfer t ON t.id = o.transfer_id
        WHERE o.timeout_at <= $1 ORDER BY o.timeout_at LIMIT $2`,
      [now, batch],
    );
    if (due.length === 0) return 0;
    const wanted = [...new Set(due.flatMap((d) => [d.debit_account_id, d.credit_account_id]))];
    const locked = await em.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM account WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE SKIP LOCKED`, [wanted]);
    const accounts = new Map(locked.map((row) => [row.id, row]));
    const free = due.filter((d) => accounts.has(d.debit_account_id) && accounts.has(d.credit_account_id)).map((d) => d.transfer_id);
    if (free.length === 0) return 0;
    // Still open and due once we hold the accounts (a post may have resolved one meanwhile).
    const open = await em.query<{ transfer_id: string }[]>(
      `WITH gone AS (DELETE FROM open_pending WHERE transfer_id = ANY ($1::uuid[]) AND timeout_at <= $2 RETURNING transfer_id) SELECT transfer_id FROM gone`,
      [free, now],
    );
    for (const { transfer_id } of open) {
      const [pending] = await em.query<TransferRow[]>(`SELECT ${TRANSFER_COLUMNS} FROM transfer t WHERE t.id = $1`, [transfer_id]);
      const amount = Number(pending!.amount);
      const id = newId();
      await this.write(
        em,
        {
          id,
          kind: 'expire',
          debit: accounts.get(pending!.debit_account_id)!,
          credit: accounts.get(pending!.credit_account_id)!,
          amount,
          code: pending!.code,
          reference: pending!.reference,
          pendingId: pending!.id,
          digest: digestOf('transfer.expire', { pendingId: pending!.id }),
          actorId: 'system',
        },
        [
          { accountId: pending!.debit_account_id, side: 'debit', phase: 'pending', amount: -amount },
          { accountId: pending!.credit_account_id, side: 'credit', phase: 'pending', amount: -amount },
        ],
      );
    }
    return open.length;
  }

  correct(request: CorrectTransferRequest): Promise<LedgerTransfer> {
    return this.dataSource.transaction((em) => this.correctIn(em, request));
  }

  /** Reverses a posted transfer, all or what is left of it, with a new transfer the other way. */
  async correctIn(em: EntityManager, request: CorrectTransferRequest): Promise<LedgerTransfer> {
    const digest = digestOf('transfer.correct', { transferId: request.transferId, amount: request.amount, reason: request.reason });
    const original = await this.transferById(em, request.transferId);
    if (!original) {
      const repeat = await this.repeatOf(em, request.id, digest);
      if (repeat) return repeat;
      throw GridworkError.notFound(`transfer ${request.transferId}`);
    }
    const accounts = await lockAccounts(em, [original.debit_account_id, original.credit_account_id]);
    const repeat = await this.repeatOf(em, request.id, digest);
    if (repeat) return repeat;
    if (original.kind !== 'single' && original.kind !== 'post') {
      throw new GridworkError(ErrorCode.CONFLICT, `transfer ${original.id} is a ${original.kind} transfer and moved nothing posted: only a single or post transfer is corrected`);
    }
    // The accounts' locks serialize corrections of one transfer, so this sum is current.
    const [{ reversed }] = (await em.query<{ reversed: string }[]>(`SELECT coalesce(sum(amount), 0) AS reversed FROM transfer WHERE corrects_id = $1`, [original.id])) as [
      { reversed: string },
    ];
    const left = Number(original.amount) - Number(reversed);
    if (left === 0) throw new GridworkError(ErrorCode.CONFLICT, `transfer ${original.id} is already reversed in full`);
    if (request.amount !== undefined && request.amount > left) {
      throw GridworkError.validation([{ field: 'amount', messages: [`amount must be at most ${left}, what is left of transfer ${original.id} to reverse`] }]);
    }
    const amount = request.amount ?? left;
    // The reversal takes back from the account the original credited.
    const debit = accounts.get(original.credit_account_id)!;
    const credit = accounts.get(original.debit_account_id)!;
    assertWithinActorsAreas(debit, request.actor, `a correction taking from it`);
    assertCovers(debit, amount);
    return this.write(
      em,
      {
        id: request.id,
        kind: 'single',
        debit,
        credit,
        amount,
        code: 'correction',
        reference: original.reference,
        correctsId: original.id,
        note: request.reason,
        digest,
        actorId: request.actor.id,
      },
      [
        { accountId: debit.id, side: 'debit', phase: 'posted', amount },
        { accountId: credit.id, side: 'credit', phase: 'posted', amount },
      ],
    );
  }

  async getTransfer(request: GetTransferRequest): Promise<LedgerTransfer> {
    const row = await this.transferById(this.dataSource.manager, request.id);
    if (!row) throw GridworkError.notFound(`transfer ${request.id}`);
    return toTransfer(row);
  }

  async listTransfers(request: ListTransfersRequest): Promise<LedgerTransferPage> {
    const account = await this.accountById(this.dataSource.manager, request.accountId);
    if (!account) throw GridworkError.notFound(`account ${request.accountId}`);
    assertReadable(account, request.withinAreas);
    const limit = request.limit ?? DEFAULT_PAGE;
    // Two index ranges merged, so an account with a long history reads one page, not all of it.
    const rows = await this.dataSource.query<TransferRow[]>(
      `SELECT ${TRANSFER_COLUMNS} FROM transfer t WHERE t.id IN (
         (SELECT id FROM transfer WHERE debit_account_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3)
         UNION
         (SELECT id FROM transfer WHERE credit_account_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3))
       ORDER BY t.id LIMIT $3`,
      [request.accountId, request.after ?? null, limit + 1],
    );
    return pageOf(rows, limit, (row) => row.id, toTransfer);
  }

  /** The open reservation `pendingId`, resolved by a post or void under `id`, once. */
  private async resolve(
    em: EntityManager,
    id: string,
    pendingId: string,
    digest: string,
    actor: TimebankActor,
    kind: 'post' | 'void',
    amountOf: (pending: TransferRow) => number,
    note?: string,
  ): Promise<LedgerTransfer> {
    const pending = await this.transferById(em, pendingId);
    if (!pending) {
      const repeat = await this.repeatOf(em, id, digest);
      if (repeat) return repeat;
      throw GridworkError.notFound(`pending transfer ${pendingId}`);
    }
    const accounts = await lockAccounts(em, [pending.debit_account_id, pending.credit_account_id]);
    const repeat = await this.repeatOf(em, id, digest);
    if (repeat) return repeat;
    if (pending.kind !== 'pending') throw new GridworkError(ErrorCode.CONFLICT, `transfer ${pendingId} is a ${pending.kind} transfer, not a pending one`);
    const debit = accounts.get(pending.debit_account_id)!;
    const credit = accounts.get(pending.credit_account_id)!;
    assertWithinActorsAreas(debit, actor, `${kind === 'post' ? 'posting' : 'voiding'} a reservation on it`);
    const amount = amountOf(pending);
    // The row goes with the resolution; none means a post, void or expiry got there first.
    // (A DELETE's RETURNING rows come back from TypeORM as [rows, count]; a CTE makes it a plain SELECT.)
    const [open] = await em.query<{ transfer_id: string }[]>(`WITH gone AS (DELETE FROM open_pending WHERE transfer_id = $1 RETURNING transfer_id) SELECT transfer_id FROM gone`, [
      pendingId,
    ]);
    if (!open) {
      const [by] = await em.query<{ id: string; kind: string }[]>(`SELECT id, kind FROM transfer WHERE pending_id = $1`, [pendingId]);
      const how = { post: 'posted', void: 'voided', expire: 'expired' }[by?.kind ?? 'post'];
      throw new GridworkError(ErrorCode.CONFLICT, `transfer ${pendingId} is already ${how} (by transfer ${by?.id})`);
    }
    const reserved = Number(pending.amount);
    const movements: Movement[] = [
      { accountId: debit.id, side: 'debit', phase: 'pending', amount: -reserved },
      { accountId: credit.id, side: 'credit', phase: 'pending', amount: -reserved },
    ];
    if (kind === 'post') {
      movements.push({ accountId: debit.id, side: 'debit', phase: 'posted', amount }, { accountId: credit.id, side: 'credit', phase: 'posted', amount });
    }
    return this.write(
      em,
      {
        id,
        kind,
        debit,
        credit,
        amount,
        code: pending.code,
        reference: pending.reference,
        pendingId,
        note,
        digest,
        actorId: actor.id,
      },
      movements,
    );
  }

  /** Writes the transfer, its entries and its accounts' sums (whose locks the caller holds). */
  private async write(em: EntityManager, t: NewTransfer, movements: Movement[]): Promise<LedgerTransfer> {
    // One statement: the transfer, its open reservation (when pending), its entries (the movements, signed, on the
    // accounts' four sums) and the same amounts added to the accounts' rows. Each round trip adds to a transfer's
    // latency; the entries' foreign key is checked at the statement's end, when the transfer is there.
    const [row] = await em.query<TransferRow[]>(
      `WITH t AS (
         INSERT INTO transfer (id, kind, debit_account_id, credit_account_id, amount, currency, code, reference, pending_id, corrects_id, timeout_at, note, digest, actor_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $11::int IS NULL THEN NULL ELSE now() + make_interval(secs => $11::int) END, $12, $13, $14)
         RETURNING *),
       o AS (INSERT INTO open_pending (transfer_id, timeout_at) SELECT id, timeout_at FROM t WHERE kind = 'pending'),
       x AS (SELECT * FROM unnest($15::uuid[], $16::text[], $17::text[], $18::bigint[]) AS x(a, s, p, m)),
       e AS (INSERT INTO entry (account_id, transfer_id, side, phase, amount) SELECT a, $1, s, p, m FROM x),
       u AS (
         UPDATE account a SET
           debits_pending = debits_pending + g.dp, debits_posted = debits_posted + g.dd,
           credits_pending = credits_pending + g.cp, credits_posted = credits_posted + g.cd
         FROM (SELECT x.a AS id,
                      coalesce(sum(x.m) FILTER (WHERE x.s = 'debit' AND x.p = 'pending'), 0) AS dp,
                      coalesce(sum(x.m) FILTER (WHERE x.s = 'debit' AND x.p = 'posted'), 0) AS dd,
                      coalesce(sum(x.m) FILTER (WHERE x.s = 'credit' AND x.p = 'pending'), 0) AS cp,
                      coalesce(sum(x.m) FILTER (WHERE x.s = 'credit' AND x.p = 'posted'), 0) AS cd
                 FROM x GROUP BY x.a) AS g
         WHERE a.id = g.id)
       SELECT t.id, t.kind, t.debit_account_id, t.credit_account_id, t.amount, t.currency, t.code, t.reference, t.pending_id, t.corrects_id, t.timeout_at,
              t.note, t.digest, t.actor_id, t.created_at, CASE WHEN t.kind = 'pending' THEN 'pending' END AS resolution
         FROM t`,
      [
        t.id, t.kind, t.debit.id, t.credit.id, t.amount, t.debit.currency, t.code, t.reference, t.pendingId ?? null, t.correctsId ?? null,
        t.timeoutSeconds ?? null, t.note ?? null, t.digest, t.actorId,
        movements.map((m) => m.accountId), movements.map((m) => m.side), movements.map((m) => m.phase), movements.map((m) => m.amount),
      ],
    );
    return toTransfer(row!);
  }

  /** The first result of the command under `id` when it was made with this content; CONFLICT when with other content; undefined when new. */
  private async repeatOf(em: EntityManager, id: string, digest: string): Promise<LedgerTransfer | undefined> {
    const row = await this.transferById(em, id);
    if (!row) return undefined;
    return this.repeated(row.digest, digest, `transfer ${id}`, () => toTransfer(row));
  }

  private repeated<T>(stored: string, sent: string, what: string, answer: () => T): T {
    if (stored !== sent) throw new GridworkError(ErrorCode.CONFLICT, `${what} was already made by a command with other content; a new command needs a new id`);
    return answer();
  }

  /**
   * An organization's account (a community's pool, a shop), opened the first
   * time it is needed: not flagged, as a pool issues what its volunteers earn.
   * Two first uses at once would both open one; the second waits on the lock
   * and finds the first's.
   */
  async organizationAccount(em: EntityManager, ownerKind: 'community' | 'team' | 'shop', ownerId: string, areaCode: string, currency: Account['currency'], actor: TimebankActor): Promise<string> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`account:${ownerKind}:${ownerId}:${currency}`]);
    const existing = await this.accountOf(em, ownerKind, ownerId, currency);
    if (existing) return existing.id;
    return (await this.openIn(em, { id: newId(), ownerKind, ownerId, areaCode, currency, debitsMustNotExceedCredits: false, actor })).id;
  }

  /** Locks these accounts in the ledger's order, for a feature that must read a balance before it moves it (the locks are the ones its transfer takes). */
  async lock(em: EntityManager, ids: string[]): Promise<void> {
    await lockAccounts(em, ids);
  }

  /** The account `ownerKind ownerId` holds in `currency`, if it has one. */
  async accountOf(em: EntityManager, ownerKind: Account['ownerKind'], ownerId: string, currency: Account['currency']): Promise<Account | undefined> {
    const [row] = await em.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM account WHERE owner_kind = $1 AND owner_id = $2 AND currency = $3`, [ownerKind, ownerId, currency]);
    return row ? toAccount(row) : undefined;
  }

  /** One account as it is now, for other features' checks (not locked: the ledger commands lock what they change). */
  async findAccount(em: EntityManager, id: string): Promise<Account | undefined> {
    const row = await this.accountById(em, id);
    return row ? toAccount(row) : undefined;
  }

  private async accountById(em: EntityManager, id: string): Promise<AccountRow | undefined> {
    const [row] = await em.query<AccountRow[]>(`SELECT ${ACCOUNT_COLUMNS} FROM account WHERE id = $1`, [id]);
    return row;
  }

  private async transferById(em: EntityManager, id: string): Promise<TransferRow | undefined> {
    const [row] = await em.query<TransferRow[]>(`SELECT ${TRANSFER_COLUMNS} FROM transfer t WHERE t.id = $1`, [id]);
    return row;
  }
}

/** A reader with a scope reads only accounts inside it. */
function assertReadable(account: AccountRow, withinAreas: string[] | undefined): void {
  if (withinAreas && !liesWithin(account.area_path, withinAreas)) {
    throw new GridworkError(ErrorCode.FORBIDDEN, `account ${account.id} belongs to ${account.area_code}, outside ${withinAreas.join(', ')}, the reader's areas`);
  }
}

/** A flagged account must still cover the amount, counting what it has reserved: CONFLICT saying how much it has. */
function assertCovers(debit: AccountRow, amount: number): void {
  if (!debit.debits_must_not_exceed_credits) return;
  const available = Number(debit.credits_posted) - Number(debit.debits_posted) - Number(debit.debits_pending);
  if (amount > available) {
    const unit = debit.currency === 'time' ? 'minutes' : 'points';
    throw new GridworkError(ErrorCode.CONFLICT, `account ${debit.id} has ${available} ${unit} available (after what it has reserved); the transfer needs ${amount}`);
  }
}

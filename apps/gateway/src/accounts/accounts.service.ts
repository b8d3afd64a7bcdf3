import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { ErrorCode, GridworkError } from '@gridwork/contracts';
import { PINO_LOGGER } from '@gridwork/observability';
import { newId } from '@gridwork/persistence';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { Unauthenticated } from '../http/errors.js';
import { accountViewOf, type AccountRow } from './account.rows.js';
import type { AccountPage, AccountView, CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from './accounts.requests.js';
import { hashPassword, passwordMatches, spendVerifyTime } from './passwords.js';

/** One answer for an unknown username and a wrong password, so sign-in does not tell which usernames exist. */
const WRONG = 'wrong username or password';

/** The sole writer of `account`: admins manage accounts, and sign-in checks passwords and counts failures. */
@Injectable()
export class AccountsService implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(PINO_LOGGER) private readonly log: Logger,
  ) {}

  /** The first platform admin, from the environment, when there is no account yet. */
  async onApplicationBootstrap(): Promise<void> {
    const { GATEWAY_ADMIN_USERNAME: username, GATEWAY_ADMIN_PASSWORD: password } = this.config;
    if (!username) return;
    const created = await this.dataSource.transaction(async (em) => {
      // Replicas starting together: one creates it.
      await em.query(`LOCK TABLE account IN EXCLUSIVE MODE`);
      const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM account`);
      if (n > 0) return false;
      await this.insert(em, { username, displayName: username, password, grants: [{ role: 'platform-admin' }] });
      return true;
    });
    if (created) this.log.info({ username }, 'created the first platform admin from GATEWAY_ADMIN_USERNAME');
  }

  async create(request: CreateAccountRequest): Promise<AccountView> {
    return accountViewOf(await this.dataSource.transaction((em) => this.insert(em, request)));
  }

  async update(id: string, request: UpdateAccountRequest): Promise<{ account: AccountView; endSessions: boolean }> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => sets.push(`${column} = $${params.push(value)}`);
    if (request.displayName !== undefined) set('display_name', request.displayName);
    if (request.password !== undefined) set('password_hash', await hashPassword(request.password));
    if (request.grants !== undefined) set('grants', JSON.stringify(request.grants));
    if (request.disabled !== undefined) sets.push(request.disabled ? 'disabled_at = COALESCE(disabled_at, now())' : 'disabled_at = NULL');
    if (request.unlock) sets.push('locked_until = NULL', 'failed_sign_ins = 0');
    const [[row]] = await this.dataSource.query<[AccountRow[], number]>(
      `UPDATE account SET updated_at = now()${sets.map((s) => `, ${s}`).join('')} WHERE id = $1 RETURNING *`,
      params,
    );
    if (!row) throw GridworkError.notFound(`account ${id}`);
    // A new password, new grants or a disabled account: the sign-ins made before must not carry on.
    return { account: accountViewOf(row), endSessions: request.password !== undefined || request.grants !== undefined || request.disabled === true };
  }

  async get(id: string): Promise<AccountView> {
    const [row] = await this.dataSource.query<AccountRow[]>(`SELECT * FROM account WHERE id = $1`, [id]);
    if (!row) throw GridworkError.notFound(`account ${id}`);
    return accountViewOf(row);
  }

  async list(request: ListAccountsRequest): Promise<AccountPage> {
    const limit = request.limit ?? 50;
    const rows = await this.dataSource.query<AccountRow[]>(`SELECT * FROM account WHERE id > $1 ORDER BY id LIMIT $2`, [
      request.after ?? '00000000-0000-0000-0000-000000000000',
      limit + 1,
    ]);
    const items = rows.slice(0, limit).map(accountViewOf);
    return rows.length > limit ? { items, nextAfter: items.at(-1)!.id } : { items };
  }

  /**
   * Checks a username and password. Failures in a row lock the account for
   * a while; the row is locked meanwhile, so guesses sent in parallel are
   * counted one after another.
   */
  async authenticate(username: string, password: string): Promise<AccountRow> {
    const outcome = await this.dataSource.transaction(async (em): Promise<AccountRow | Unauthenticated> => {
      const [row] = await em.query<AccountRow[]>(`SELECT * FROM account WHERE lower(username) = lower($1) FOR UPDATE`, [username]);
      if (!row) {
        await spendVerifyTime(password);
        return new Unauthenticated(WRONG);
      }
      const now = new Date();
      if (row.locked_until && row.locked_until > now) {
        return new Unauthenticated(`too many failed sign-ins: the account is locked until ${row.locked_until.toISOString()}`);
      }
      if (!(await passwordMatches(row.password_hash, password))) {
        await this.countFailure(em, row);
        return new Unauthenticated(WRONG);
      }
      if (row.failed_sign_ins > 0 || row.locked_until) await em.query(`UPDATE account SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1`, [row.id]);
      if (row.disabled_at) return new Unauthenticated('the account is disabled');
      return row;
    });
    // Thrown outside the transaction, so that the failure count it wrote is kept.
    if (outcome instanceof Unauthenticated) throw outcome;
    return outcome;
  }

  /** The account a token names, still enabled: grants and names as they are now. */
  async active(id: string): Promise<AccountRow | undefined> {
    const [row] = await this.dataSource.query<AccountRow[]>(`SELECT * FROM account WHERE id = $1 AND disabled_at IS NULL`, [id]);
    return row;
  }

  private async countFailure(em: EntityManager, row: AccountRow): Promise<void> {
    const failures = row.failed_sign_ins + 1;
    const lock = failures >= this.config.GATEWAY_LOCKOUT_FAILURES;
    await em.query(
      `UPDATE account SET failed_sign_ins = $2, locked_until = CASE WHEN $3 THEN now() + make_interval(mins => $4) ELSE locked_until END WHERE id = $1`,
      [row.id, lock ? 0 : failures, lock, this.config.GATEWAY_LOCKOUT_MINUTES],
    );
    if (lock) this.log.warn({ accountId: row.id, username: row.username }, 'account locked after failed sign-ins');
  }

  private async insert(em: EntityManager, request: CreateAccountRequest): Promise<AccountRow> {
    const [row] = await em.query<AccountRow[]>(
      `INSERT INTO account (id, username, display_name, password_hash, grants) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (lower(username)) DO NOTHING RETURNING *`,
      [newId(), request.username, request.displayName, await hashPassword(request.password), JSON.stringify(request.grants)],
    );
    if (!row) throw new GridworkError(ErrorCode.CONFLICT, `username ${request.username} is taken`);
    return row;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { newId } from '@gridwork/persistence';
import { AccountsService } from '../accounts/accounts.service.js';
import type { AccountRow } from '../accounts/account.rows.js';
import type { Principal } from '../auth/grants.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { Unauthenticated } from '../http/errors.js';
import type { TokenReply } from './sessions.requests.js';

const ISSUER = 'gridwork-gateway';
const sha256 = (token: string): Buffer => createHash('sha256').update(token).digest();

interface Where {
  address?: string;
  userAgent?: string;
}

/**
 * Sign-in, refresh and sign-out. Access tokens are short-lived JWTs (HS256,
 * by `jose`); each request also checks that the token's session has not
 * ended and its account is enabled, so signing out or disabling an account
 * takes effect at once, and grants are read as they are now.
 */
@Injectable()
export class SessionsService {
  private readonly key: Uint8Array;

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.key = new TextEncoder().encode(config.GATEWAY_TOKEN_SECRET);
  }

  async signIn(username: string, password: string, where: Where): Promise<{ tokens: TokenReply; account: AccountRow }> {
    return this.open(await this.accounts.authenticate(username, password), where);
  }

  /**
   * A sign-in for an account whose person was proven some other way (an
   * OpenID Connect issuer's token): the same session, tokens, refresh and
   * sign-out as a password's.
   */
  async open(account: AccountRow, where: Where): Promise<{ tokens: TokenReply; account: AccountRow }> {
    const sessionId = newId();
    const refreshToken = newRefreshToken();
    await this.dataSource.transaction(async (em) => {
      await em.query(
        `INSERT INTO session (id, account_id, expires_at, address, user_agent) VALUES ($1, $2, now() + make_interval(hours => $3), $4, $5)`,
        [sessionId, account.id, this.config.GATEWAY_SESSION_HOURS, where.address ?? null, where.userAgent?.slice(0, 300) ?? null],
      );
      await em.query(`INSERT INTO refresh_token (token_hash, session_id) VALUES ($1, $2)`, [sha256(refreshToken), sessionId]);
    });
    return { tokens: await this.tokens(account.id, sessionId, refreshToken), account };
  }

  /** Trades a refresh token for new tokens. Each works once; a second use ends the session (the token was copied). */
  async refresh(refreshToken: string): Promise<TokenReply> {
    const outcome = await this.dataSource.transaction(async (em) => {
      const [row] = await em.query<{ session_id: string; account_id: string; used_at: Date | null; live: boolean }[]>(
        `SELECT t.session_id, s.account_id, t.used_at, (s.ended_at IS NULL AND s.expires_at > now()) AS live
           FROM refresh_token t JOIN session s ON s.id = t.session_id WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
        [sha256(refreshToken)],
      );
      if (!row || !row.live) return new Unauthenticated('the refresh token is not valid (signed out, expired or unknown): sign in again');
      if (row.used_at) {
        await em.query(`UPDATE session SET ended_at = now(), end_reason = 'refresh token used twice' WHERE id = $1`, [row.session_id]);
        return new Unauthenticated('the refresh token was already used: the sign-in is ended, sign in again');
      }
      if (!(await this.accounts.active(row.account_id))) return new Unauthenticated('the account is disabled');
      const next = newRefreshToken();
      await em.query(`UPDATE refresh_token SET used_at = now() WHERE token_hash = $1`, [sha256(refreshToken)]);
      await em.query(`INSERT INTO refresh_token (token_hash, session_id) VALUES ($1, $2)`, [sha256(next), row.session_id]);
      await em.query(`UPDATE session SET expires_at = now() + make_interval(hours => $2) WHERE id = $1`, [row.session_id, this.config.GATEWAY_SESSION_HOURS]);
      return { accountId: row.account_id, sessionId: row.session_id, next };
    });
    // Thrown after the transaction commits, so that a reuse ends the session for good.
    if (outcome instanceof Unauthenticated) throw outcome;
    return this.tokens(outcome.accountId, outcome.sessionId, outcome.next);
  }

  async signOut(sessionId: string, reason = 'signed out'): Promise<void> {
    await this.dataSource.query(`UPDATE session SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL`, [sessionId, reason]);
  }

  async endAllOf(accountId: string, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE session SET ended_at = now(), end_reason = $2 WHERE account_id = $1 AND ended_at IS NULL`, [accountId, reason]);
  }

  /** Who a bearer token stands for, or Unauthenticated saying what is wrong with it. */
  async principalOf(accessToken: string): Promise<Principal> {
    let claims: { sub?: string; sid?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(accessToken, this.key, { issuer: ISSUER, algorithms: ['HS256'] }));
    } catch (err) {
      throw new Unauthenticated(err instanceof joseErrors.JWTExpired ? 'the access token has expired: refresh it' : 'the access token is not valid');
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw new Unauthenticated('the access token is not valid');
    const [row] = await this.dataSource.query<{ live: boolean }[]>(`SELECT ended_at IS NULL AND expires_at > now() AS live FROM session WHERE id = $1`, [claims.sid]);
    if (!row?.live) throw new Unauthenticated('the sign-in has ended: sign in again');
    const account = await this.accounts.active(claims.sub);
    if (!account) throw new Unauthenticated('the account is disabled');
    return { accountId: account.id, username: account.username, displayName: account.display_name, grants: account.grants, sessionId: claims.sid };
  }

  private async tokens(accountId: string, sessionId: string, refreshToken: string): Promise<TokenReply> {
    const expiresIn = this.config.GATEWAY_ACCESS_TOKEN_SECONDS;
    const accessToken = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(accountId)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(this.key);
    return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken };
  }
}

/** 32 random bytes: guessing one is hopeless, so only its hash is stored. */
const newRefreshToken = (): string => randomBytes(32).toString('base64url');

import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DataSource } from 'typeorm';
import { ErrorCode, GridworkError } from '@gridwork/contracts';
import { AccountsService } from '../accounts/accounts.service.js';
import type { AccountRow } from '../accounts/account.rows.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { Unauthenticated } from '../http/errors.js';
import type { OidcLinkList, OidcLinkRequest, OidcLinkView } from './oidc.requests.js';

/** What the gateway reads of the issuer's discovery document (OpenID Connect Discovery 1.0, §3). */
interface Discovery {
  issuer: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported?: string[];
}

const CLOCK_TOLERANCE_SECONDS = 30;

interface Verifier {
  keys: JWTVerifyGetKey;
  algorithms: string[];
}

interface LinkRow {
  issuer: string;
  subject: string;
  account_id: string;
  linked_at: Date;
  last_sign_in_at: Date | null;
}

/**
 * Signs in with a token from an outside OpenID Connect issuer. The token is
 * verified by the keys the issuer publishes (jose's remote key set, found
 * through the issuer's discovery document), for this issuer and this
 * gateway's audience; the person it names is then found by the link an admin
 * made to an account. Nothing is taken from the token but who the person
 * is: grants stay the account's, set here.
 */
@Injectable()
export class OidcService {
  private verifier?: Promise<Verifier>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Who the token's person is at the issuer, once the token is verified; or Unauthenticated saying what is wrong with it. */
  async subjectOf(token: string): Promise<string> {
    if (!this.config.GATEWAY_OIDC_ISSUER) throw new Unauthenticated('this gateway takes no OpenID Connect sign-in: sign in with a username and password');
    const claims = await this.verify(token);
    const subject = claims[this.config.GATEWAY_OIDC_SUBJECT_CLAIM];
    if (typeof subject !== 'string' || subject === '') {
      throw new Unauthenticated(`the token has no ${this.config.GATEWAY_OIDC_SUBJECT_CLAIM} claim to name the person by`);
    }
    return subject;
  }

  /** The enabled account an admin linked the issuer's person to. */
  async accountOf(subject: string): Promise<AccountRow> {
    const issuer = this.config.GATEWAY_OIDC_ISSUER;
    const [link] = await this.dataSource.query<LinkRow[]>(`SELECT * FROM oidc_link WHERE issuer = $1 AND subject = $2`, [issuer, subject]);
    if (!link) throw new Unauthenticated(`no account is linked to ${subject} at ${issuer}: ask a platform admin to link it`);
    const account = await this.accounts.active(link.account_id);
    if (!account) throw new Unauthenticated('the account is disabled');
    await this.dataSource.query(`UPDATE oidc_link SET last_sign_in_at = now() WHERE issuer = $1 AND subject = $2`, [issuer, subject]);
    return account;
  }

  async link(accountId: string, request: OidcLinkRequest, by: string): Promise<OidcLinkView> {
    const issuer = request.issuer ?? this.config.GATEWAY_OIDC_ISSUER;
    if (!issuer) {
      throw GridworkError.validation([{ field: 'issuer', messages: ['issuer is needed: this gateway has no OpenID Connect issuer configured (GATEWAY_OIDC_ISSUER)'] }]);
    }
    await this.accounts.get(accountId);
    const [row] = await this.dataSource.query<LinkRow[]>(
      `INSERT INTO oidc_link (issuer, subject, account_id, linked_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING *`,
      [issuer, request.subject, accountId, by],
    );
    if (!row) throw new GridworkError(ErrorCode.CONFLICT, `${request.subject} at ${issuer} is already linked to an account: unlink it first`);
    return viewOf(row);
  }

  /** Ends the link; the sign-ins made through it are ended by the caller. */
  async unlink(accountId: string, request: OidcLinkRequest): Promise<OidcLinkView> {
    const issuer = request.issuer ?? this.config.GATEWAY_OIDC_ISSUER;
    const [[row]] = await this.dataSource.query<[LinkRow[], number]>(
      `DELETE FROM oidc_link WHERE issuer = $1 AND subject = $2 AND account_id = $3 RETURNING *`,
      [issuer, request.subject, accountId],
    );
    if (!row) throw GridworkError.notFound(`a link of account ${accountId} to ${request.subject} at ${issuer}`);
    return viewOf(row);
  }

  async linksOf(accountId: string): Promise<OidcLinkList> {
    await this.accounts.get(accountId);
    const rows = await this.dataSource.query<LinkRow[]>(`SELECT * FROM oidc_link WHERE account_id = $1 ORDER BY linked_at`, [accountId]);
    return { items: rows.map(viewOf) };
  }

  private async verify(token: string): Promise<JWTPayload> {
    const { keys, algorithms } = await this.keys();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.config.GATEWAY_OIDC_ISSUER,
        audience: this.config.GATEWAY_OIDC_AUDIENCE.split(',').map((audience) => audience.trim()),
        algorithms,
        requiredClaims: ['exp'],
        // The issuer's clock and ours may differ a little: a token just issued is not "not yet valid", one just expired not still good for long.
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return payload;
    } catch (err) {
      throw refusalOf(err, algorithms);
    }
  }

  /** The issuer's keys, found once through its discovery document; a failed discovery is tried again by the next sign-in. */
  private keys(): Promise<Verifier> {
    this.verifier ??= this.discover().catch((err: unknown) => {
      this.verifier = undefined;
      throw err;
    });
    return this.verifier;
  }

  private async discover(): Promise<Verifier> {
    const issuer = this.config.GATEWAY_OIDC_ISSUER;
    const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    let document: Partial<Discovery>;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`it answered ${response.status}`);
      document = (await response.json()) as Partial<Discovery>;
    } catch (err) {
      throw unavailable(`could not read the OpenID Connect issuer's discovery document ${url}: ${(err as Error).message}`);
    }
    // Discovery §4.3: the document must name the issuer it was fetched for, or it is not that issuer's.
    if (document.issuer !== issuer) throw unavailable(`the discovery document at ${url} names the issuer ${String(document.issuer)}, not ${issuer}`);
    if (typeof document.jwks_uri !== 'string') throw unavailable(`the discovery document at ${url} has no jwks_uri`);
    return {
      keys: createRemoteJWKSet(new URL(document.jwks_uri), { cooldownDuration: this.config.GATEWAY_OIDC_KEYS_COOLDOWN_SECONDS * 1000 }),
      algorithms: signingAlgorithms(document.id_token_signing_alg_values_supported),
    };
  }
}

/**
 * The algorithms the issuer says it signs with, less `none` and the HMAC
 * ones (they would need the client's secret, which the gateway does not
 * hold); RS256 when it says none, as every issuer must support it (OpenID
 * Connect Core §15.1).
 */
const signingAlgorithms = (supported: unknown): string[] => {
  const listed = Array.isArray(supported) ? supported.filter((alg): alg is string => typeof alg === 'string' && alg !== 'none' && !alg.startsWith('HS')) : [];
  return listed.length > 0 ? listed : ['RS256'];
};

const unavailable = (message: string): GridworkError => new GridworkError(ErrorCode.UNAVAILABLE, message);

/** A clear reason for each way a token fails; the issuer's keys out of reach is the gateway's trouble (503), not the caller's. */
function refusalOf(err: unknown, algorithms: string[]): Error {
  if (err instanceof joseErrors.JWTExpired) return new Unauthenticated('the OpenID Connect token has expired: get a new one from the issuer');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new Unauthenticated(`the token was not issued by the configured OpenID Connect issuer (its iss is ${JSON.stringify(err.payload.iss)})`);
    if (err.claim === 'aud') return new Unauthenticated(`the token is not for this gateway (its aud is ${JSON.stringify(err.payload.aud)})`);
    return new Unauthenticated(`the OpenID Connect token's ${err.claim} claim is not valid: ${err.message}`);
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new Unauthenticated(`the token's signing algorithm is not allowed (the issuer signs with ${algorithms.join(', ')})`);
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new Unauthenticated('the token is signed with a key the issuer does not publish');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return new Unauthenticated('the token’s signature does not verify with the issuer’s key');
  if (err instanceof joseErrors.JWKSTimeout || (err instanceof joseErrors.JOSEError && err.code === 'ERR_JOSE_GENERIC') || err instanceof TypeError) {
    return unavailable(`could not fetch the OpenID Connect issuer's keys: ${(err as Error).message}`);
  }
  if (err instanceof joseErrors.JOSEError) return new Unauthenticated(`the OpenID Connect token is not valid: ${err.message}`);
  return err as Error;
}

const viewOf = (row: LinkRow): OidcLinkView => ({
  issuer: row.issuer,
  subject: row.subject,
  accountId: row.account_id,
  linkedAt: row.linked_at.toISOString(),
  ...(row.last_sign_in_at ? { lastSignInAt: row.last_sign_in_at.toISOString() } : {}),
});

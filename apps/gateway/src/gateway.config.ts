import { IsInt, IsString, IsUrl, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { loadConfig } from '@gridwork/observability';

/** The gateway's own settings, read from the environment when it starts (a wrong value stops it with the variable named). */
export class GatewayConfig {
  /** Signs access tokens (HMAC-SHA-256). Every replica must have the same one; at least 32 characters of randomness. */
  @IsString() @MinLength(32, { message: 'GATEWAY_TOKEN_SECRET must be at least 32 characters (e.g. `openssl rand -base64 48`)' })
  GATEWAY_TOKEN_SECRET = '';

  /** How long an access token is good for. Short, because it is checked without asking the database for its account. */
  @IsInt() @Min(30) @Max(3600)
  GATEWAY_ACCESS_TOKEN_SECONDS = 900;

  /** How long a sign-in lasts without being used; every refresh starts the time again. */
  @IsInt() @Min(1) @Max(24 * 90)
  GATEWAY_SESSION_HOURS = 24 * 14;

  /** Failed sign-ins in a row that lock an account, and for how long. */
  @IsInt() @Min(1) @Max(100)
  GATEWAY_LOCKOUT_FAILURES = 5;

  @IsInt() @Min(1) @Max(24 * 60)
  GATEWAY_LOCKOUT_MINUTES = 15;

  /** Requests a minute from one client address, and with one access token, on every route but health and metrics. */
  @IsInt() @Min(1) @Max(1_000_000)
  GATEWAY_RATE_LIMIT_PER_ADDRESS = 1200;

  @IsInt() @Min(1) @Max(1_000_000)
  GATEWAY_RATE_LIMIT_PER_TOKEN = 1200;

  /** Sign-in attempts a minute from one address, whatever the account: against guessing many accounts' passwords. */
  @IsInt() @Min(1) @Max(10_000)
  GATEWAY_SIGN_IN_PER_ADDRESS = 30;

  /**
   * Which proxies in front of the gateway to believe about the client's
   * address (Express's `trust proxy`: \`loopback\`, a number of hops, or
   * addresses and subnets). Empty: none, the address is the connection's.
   */
  @IsString()
  GATEWAY_TRUST_PROXY = '';

  /** Origins whose web pages may call the API from a browser (CORS), comma separated; empty: none. */
  @IsString()
  GATEWAY_CORS_ORIGINS = '';

  /**
   * An outside OpenID Connect issuer whose tokens sign people in as an
   * alternative to passwords (`POST /auth/oidc`): its identifier, exactly as
   * its tokens' \`iss\` has it; its keys are found through
   * \`<issuer>/.well-known/openid-configuration\`. Empty: no such sign-in.
   */
  @ValidateIf((config: GatewayConfig) => config.GATEWAY_OIDC_ISSUER !== '')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['https', 'http'] }, { message: 'GATEWAY_OIDC_ISSUER must be the issuer’s URL' })
  GATEWAY_OIDC_ISSUER = '';

  /** The audience the issuer's tokens must be for (the gateway's client id at the issuer), comma separated when several. */
  @ValidateIf((config: GatewayConfig) => config.GATEWAY_OIDC_ISSUER !== '')
  @IsString() @MinLength(1, { message: 'GATEWAY_OIDC_AUDIENCE must be set when GATEWAY_OIDC_ISSUER is' })
  GATEWAY_OIDC_AUDIENCE = '';

  /** The claim that names the person at the issuer, and so the account linked to it: \`sub\`, unless the issuer names people stably by another. */
  @IsString() @MinLength(1)
  GATEWAY_OIDC_SUBJECT_CLAIM = 'sub';

  /**
   * Seconds after fetching the issuer's keys during which a token with an
   * unknown key id does not fetch them again: a rotated key is found at
   * once after that, and made-up key ids cannot make the gateway hammer the
   * issuer.
   */
  @IsInt() @Min(0) @Max(3600)
  GATEWAY_OIDC_KEYS_COOLDOWN_SECONDS = 30;

  /** The first platform admin, created when the gateway starts with no account at all (and never again). */
  @ValidateIf((config: GatewayConfig) => config.GATEWAY_ADMIN_PASSWORD !== '') @IsString() @MinLength(2)
  GATEWAY_ADMIN_USERNAME = '';

  @ValidateIf((config: GatewayConfig) => config.GATEWAY_ADMIN_USERNAME !== '') @IsString() @MinLength(12, { message: 'GATEWAY_ADMIN_PASSWORD must be at least 12 characters' })
  GATEWAY_ADMIN_PASSWORD = '';
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

export const gatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig(GatewayConfig, env);

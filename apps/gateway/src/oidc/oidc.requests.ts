import { Type } from 'class-transformer';
import { IsDateString, IsOptional, IsString, IsUrl, IsUUID, Length, ValidateNested } from 'class-validator';

/** `POST /auth/oidc`: a token the configured OpenID Connect issuer signed for this gateway. */
export class OidcSignInRequest {
  /** An ID token (or a JWT access token) from the issuer, whose audience is this gateway (`GATEWAY_OIDC_AUDIENCE`). */
  @IsString() @Length(20, 16_000) token: string;
}

/** Links an account to a person at an OpenID Connect issuer. */
export class OidcLinkRequest {
  /** The issuer's identifier; by default the configured one (`GATEWAY_OIDC_ISSUER`). */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['https', 'http'] }, { message: 'issuer must be the issuer’s URL' })
  issuer?: string;
  /** What the issuer names the person by, in the claim `GATEWAY_OIDC_SUBJECT_CLAIM` (`sub` by default). */
  @IsString() @Length(1, 255) subject: string;
}

export class OidcLinkView {
  @IsString() issuer: string;
  @IsString() subject: string;
  @IsUUID() accountId: string;
  @IsDateString() linkedAt: string;
  @IsOptional() @IsDateString() lastSignInAt?: string;
}

export class OidcLinkList {
  @ValidateNested({ each: true }) @Type(() => OidcLinkView) items: OidcLinkView[];
}

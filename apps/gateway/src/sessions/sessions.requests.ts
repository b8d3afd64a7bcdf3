import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { Grant } from '../auth/grants.js';

export class SignInRequest {
  @IsString() @Length(1, 64) username: string;
  @IsString() @Length(1, 1024) password: string;
}

export class RefreshRequest {
  @IsString() @Length(20, 200) refreshToken: string;
}

/** What sign-in and refresh answer (OAuth 2.0's token response, RFC 6749 §5.1). */
export class TokenReply {
  /** Send it as `Authorization: Bearer <accessToken>`. */
  @IsString() accessToken: string;
  @IsIn(['Bearer']) tokenType: 'Bearer';
  /** Seconds the access token is good for. */
  @IsInt() expiresIn: number;
  /** Trade it for new tokens at `/auth/refresh`, once: it is replaced every time. */
  @IsString() refreshToken: string;
}

/** Who a token stands for, with the grants as they are now. */
export class MeReply {
  @IsUUID() accountId: string;
  @IsString() username: string;
  @IsString() displayName: string;
  @ValidateNested({ each: true }) @Type(() => Grant) grants: Grant[];
}

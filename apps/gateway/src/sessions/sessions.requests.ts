import { IsString, Length } from 'class-validator';

export class SignInRequest {
  @IsString() @Length(1, 64) username: string;
  @IsString() @Length(1, 1024) password: string;
}

export class RefreshRequest {
  @IsString() @Length(20, 200) refreshToken: string;
}

/** What sign-in and refresh answer (OAuth 2.0's token response, RFC 6749 §5.1). */
export interface TokenReply {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token is good for. */
  expiresIn: number;
  refreshToken: string;
}

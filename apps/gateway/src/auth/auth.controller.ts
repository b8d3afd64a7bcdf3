import { Body, Controller, Get, HttpCode, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { Audited } from '../audit/audited.interceptor.js';
import { valid } from '../http/body.js';
import { FromWhere, type Origin } from '../http/request.js';
import { MeReply, RefreshRequest, SignInRequest, TokenReply } from '../sessions/sessions.requests.js';
import { Operation } from '../api-docs/operation.js';
import { OidcSignInRequest } from '../oidc/oidc.requests.js';
import { OidcService } from '../oidc/oidc.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { Acting, SignedIn } from './auth.guard.js';
import type { Principal } from './grants.js';

/** Signing in and out. Sign-in and refresh answer OAuth 2.0's token response; every attempt is in the audit record. */
@Controller('auth')
@UseInterceptors(Audited)
export class AuthController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly oidc: OidcService,
  ) {}

  @Post('sign-in')
  @HttpCode(200)
  @Operation({
    summary: 'Signs in with a username and password; answers an access token and a refresh token. Failures in a row lock the account for a while.',
    body: SignInRequest,
    reply: TokenReply,
    signedIn: false,
  })
  async signIn(@Body() body: unknown, @FromWhere() where: Origin, @Req() incoming: { auditAs?: string }): Promise<TokenReply> {
    // The audit record names who tried, as they typed it, also when the body is refused.
    const attempted = (body as { username?: unknown } | undefined)?.username;
    if (typeof attempted === 'string') incoming.auditAs = attempted.slice(0, 64);
    const request = await valid(SignInRequest, body);
    return (await this.sessions.signIn(request.username, request.password, where)).tokens;
  }

  @Post('oidc')
  @HttpCode(200)
  @Operation({
    summary:
      'Signs in with a token from the configured OpenID Connect issuer (an ID token, or a JWT access token, for this gateway’s audience), verified by the issuer’s published keys; the person must be linked to an account by an admin. Answers the gateway’s own tokens, as a password sign-in does.',
    body: OidcSignInRequest,
    reply: TokenReply,
    errors: ['UNAVAILABLE'],
    signedIn: false,
  })
  async signInWithOidc(@Body() body: unknown, @FromWhere() where: Origin, @Req() request: { auditAs?: string }): Promise<TokenReply> {
    const subject = await this.oidc.subjectOf((await valid(OidcSignInRequest, body)).token);
    // The audit record names who tried (a password sign-in's body names them; this one's holds only the token): the issuer's person, then their account.
    request.auditAs = `oidc:${subject}`.slice(0, 64);
    const account = await this.oidc.accountOf(subject);
    request.auditAs = account.username;
    return (await this.sessions.open(account, where)).tokens;
  }

  @Post('refresh')
  @HttpCode(200)
  @Operation({ summary: 'Trades a refresh token (once) for new tokens; a refresh token used twice ends the sign-in.', body: RefreshRequest, reply: TokenReply, signedIn: false })
  async refresh(@Body() body: unknown): Promise<TokenReply> {
    return this.sessions.refresh((await valid(RefreshRequest, body)).refreshToken);
  }

  /** Ends this sign-in: its refresh token and every access token it gave stop working at once. */
  @Post('sign-out')
  @HttpCode(204)
  @Operation({ summary: 'Ends this sign-in: its tokens stop working at once.' })
  @UseGuards(SignedIn)
  async signOut(@Acting() principal: Principal): Promise<void> {
    await this.sessions.signOut(principal.sessionId);
  }

  /** Who the token stands for, with the grants as they are now. */
  @Get('me')
  @UseGuards(SignedIn)
  @Operation({ summary: 'Who the access token stands for, with the grants as they are now.', reply: MeReply })
  me(@Acting() principal: Principal): MeReply {
    const { sessionId: _session, ...who } = principal;
    return who;
  }
}

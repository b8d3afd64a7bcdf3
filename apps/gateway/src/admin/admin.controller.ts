import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards, UseInterceptors } from '@nestjs/common';
import { AccountPage, AccountView, CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from '../accounts/accounts.requests.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { AuditPage, SearchAuditRequest } from '../audit/audit.requests.js';
import { ApiKeyList, ApiKeyView, CreateApiKeyRequest, CreatedApiKey } from '../api-keys/api-keys.requests.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Audited } from '../audit/audited.interceptor.js';
import { Acting, SignedIn } from '../auth/auth.guard.js';
import { isPlatformAdmin, type Principal } from '../auth/grants.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { forbidden } from '../http/errors.js';
import { valid } from '../http/body.js';
import { uuidParam } from '../http/params.js';
import { Operation } from '../api-docs/operation.js';
import { OidcLinkList, OidcLinkRequest, OidcLinkView } from '../oidc/oidc.requests.js';
import { OidcService } from '../oidc/oidc.service.js';

const adminOnly = (principal: Principal): void => {
  if (!isPlatformAdmin(principal)) throw forbidden(`${principal.username} is not a platform admin: only platform admins manage accounts and read the audit record`);
};

/** `/admin`: accounts and the audit record, for platform admins. */
@Controller('admin')
@UseGuards(SignedIn)
@UseInterceptors(Audited)
export class AdminController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly apiKeys: ApiKeysService,
    private readonly oidc: OidcService,
  ) {}

  @Post('accounts')
  @Operation({ summary: 'Creates an account with its grants.', who: 'platform admins', body: CreateAccountRequest, reply: AccountView, errors: ['FORBIDDEN', 'CONFLICT'] })
  async create(@Acting() principal: Principal, @Body() body: unknown): Promise<AccountView> {
    adminOnly(principal);
    return this.accounts.create(await valid(CreateAccountRequest, body));
  }

  @Get('accounts')
  @Operation({ summary: 'Lists accounts, paged.', who: 'platform admins', query: ListAccountsRequest, reply: AccountPage, errors: ['FORBIDDEN'] })
  async list(@Acting() principal: Principal, @Query() query: unknown): Promise<AccountPage> {
    adminOnly(principal);
    return this.accounts.list(await valid(ListAccountsRequest, query));
  }

  @Get('accounts/:id')
  @Operation({ summary: 'One account.', who: 'platform admins', reply: AccountView, errors: ['FORBIDDEN', 'NOT_FOUND'] })
  async get(@Acting() principal: Principal, @Param('id') id: string): Promise<AccountView> {
    adminOnly(principal);
    return this.accounts.get(uuidParam(id, 'id'));
  }

  /** Changes names, password, grants; disables or unlocks. A new password, new grants or disabling ends the account's sign-ins. */
  @Patch('accounts/:id')
  @Operation({
    summary: 'Changes an account: names, password, grants; disables or unlocks it. A new password, new grants or disabling end its sign-ins.',
    who: 'platform admins',
    body: UpdateAccountRequest,
    reply: AccountView,
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  async update(@Acting() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<AccountView> {
    adminOnly(principal);
    uuidParam(id, 'id');
    const request = await valid(UpdateAccountRequest, body);
    if (id === principal.accountId && (request.disabled || request.grants?.every((grant) => grant.role !== 'platform-admin'))) {
      throw forbidden('a platform admin cannot disable their own account or take away their own admin grant: ask another admin');
    }
    const { account, endSessions } = await this.accounts.update(id, request);
    if (endSessions) await this.sessions.endAllOf(id, 'account changed by an admin');
    return account;
  }

  /**
   * An admin says which person at the OpenID Connect issuer is this account:
   * by the issuer's subject, not by a username or e-mail claim, because the
   * subject is the one claim an issuer promises never to change or give to
   * someone else (OpenID Connect Core §5.7), while people can often set
   * their own name and address there.
   */
  @Post('accounts/:id/oidc-links')
  @Operation({
    summary: 'Links the account to a person at an OpenID Connect issuer (by the issuer’s subject), so that the issuer’s tokens for that person sign in as the account.',
    who: 'platform admins',
    body: OidcLinkRequest,
    reply: OidcLinkView,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
  })
  async linkOidc(@Acting() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<OidcLinkView> {
    adminOnly(principal);
    uuidParam(id, 'id');
    return this.oidc.link(id, await valid(OidcLinkRequest, body), principal.accountId);
  }

  @Get('accounts/:id/oidc-links')
  @Operation({ summary: 'The account’s links to people at OpenID Connect issuers.', who: 'platform admins', reply: OidcLinkList, errors: ['FORBIDDEN', 'NOT_FOUND'] })
  async oidcLinks(@Acting() principal: Principal, @Param('id') id: string): Promise<OidcLinkList> {
    adminOnly(principal);
    return this.oidc.linksOf(uuidParam(id, 'id'));
  }

  /** Unlinking ends the account's sign-ins, as a new password does: one made through the link must not carry on. */
  @Post('accounts/:id/oidc-links/remove')
  @HttpCode(200)
  @Operation({
    summary: 'Removes a link to a person at an OpenID Connect issuer, and ends the account’s sign-ins.',
    who: 'platform admins',
    body: OidcLinkRequest,
    reply: OidcLinkView,
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  async unlinkOidc(@Acting() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<OidcLinkView> {
    adminOnly(principal);
    uuidParam(id, 'id');
    const link = await this.oidc.unlink(id, await valid(OidcLinkRequest, body));
    await this.sessions.endAllOf(id, 'OpenID Connect link removed by an admin');
    return link;
  }

  @Get('audit')
  @Operation({ summary: 'Searches the record of writes, newest first, paged.', who: 'platform admins', query: SearchAuditRequest, reply: AuditPage, errors: ['FORBIDDEN'] })
  async searchAudit(@Acting() principal: Principal, @Query() query: unknown): Promise<AuditPage> {
    adminOnly(principal);
    return this.audit.search(await valid(SearchAuditRequest, query));
  }

  @Post('api-keys')
  @Operation({ summary: 'Issues a key for an outside app that posts Open311 requests; the key is shown this once.', who: 'platform admins', body: CreateApiKeyRequest, reply: CreatedApiKey, errors: ['FORBIDDEN'] })
  async issueApiKey(@Acting() principal: Principal, @Body() body: unknown): Promise<CreatedApiKey> {
    adminOnly(principal);
    return this.apiKeys.issue((await valid(CreateApiKeyRequest, body)).name, principal.accountId);
  }

  @Get('api-keys')
  @Operation({ summary: 'Lists the outside apps’ keys (never the keys themselves).', who: 'platform admins', reply: ApiKeyList, errors: ['FORBIDDEN'] })
  async listApiKeys(@Acting() principal: Principal): Promise<ApiKeyList> {
    adminOnly(principal);
    return this.apiKeys.list();
  }

  @Post('api-keys/:id/revoke')
  @HttpCode(200)
  @Operation({ summary: 'Revokes a key: its app can post no more.', who: 'platform admins', reply: ApiKeyView, errors: ['FORBIDDEN', 'NOT_FOUND'] })
  async revokeApiKey(@Acting() principal: Principal, @Param('id') id: string): Promise<ApiKeyView> {
    adminOnly(principal);
    return this.apiKeys.revoke(uuidParam(id, 'id'));
  }
}

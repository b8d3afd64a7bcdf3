import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AccountsModule } from '../accounts/accounts.module.js';
import { CreateOidcLinks1765100000600 } from './1765100000600-create-oidc-links.js';
import { OidcService } from './oidc.service.js';

/** Sign-in through an outside OpenID Connect issuer, and the links from its people to accounts (`oidc_link`). */
@Module({ imports: [AccountsModule], providers: [OidcService], exports: [OidcService] })
export class OidcModule {}

export const oidcFeature: Feature = { module: OidcModule, migrations: [CreateOidcLinks1765100000600] };

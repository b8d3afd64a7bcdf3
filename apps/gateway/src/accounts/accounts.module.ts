import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateAccounts1765100000100 } from './1765100000100-create-accounts.js';
import { AccountsService } from './accounts.service.js';

/** People's accounts: usernames, password hashes, grants and lock-outs (`account`). */
@Module({ providers: [AccountsService], exports: [AccountsService] })
export class AccountsModule {}

export const accountsFeature: Feature = { module: AccountsModule, migrations: [CreateAccounts1765100000100] };

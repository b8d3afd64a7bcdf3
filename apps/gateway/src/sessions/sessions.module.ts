import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { AccountsModule } from '../accounts/accounts.module.js';
import { CreateSessions1765100000200 } from './1765100000200-create-sessions.js';
import { SessionsService } from './sessions.service.js';

/** Sign-ins and their tokens (`session`, `refresh_token`). A module whose controllers use the `SignedIn` guard imports this one. */
@Module({ imports: [AccountsModule], providers: [SessionsService], exports: [SessionsService] })
export class SessionsModule {}

export const sessionsFeature: Feature = { module: SessionsModule, migrations: [CreateSessions1765100000200] };

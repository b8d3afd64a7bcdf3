import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { JoiningModule } from '../joining/joining.module.js';
import { MembersModule } from '../members/members.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { MergeEndpoints } from './merges.endpoints.js';
import { MergesService } from './merges.service.js';

/** Merging organizations: no table of its own, it moves members, applicants and organizations through their owners. */
@Module({ imports: [OrganizationsModule, MembersModule, JoiningModule], providers: [MergesService, MergeEndpoints] })
export class MergesModule {}

export const mergesFeature: Feature = { module: MergesModule };

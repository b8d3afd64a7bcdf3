import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { MembersModule } from '../members/members.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { MergeEndpoints } from './merges.endpoints.js';
import { MergesService } from './merges.service.js';

/** Merging organizations: no table of its own, it moves members and organizations through their owners. */
@Module({ imports: [OrganizationsModule, MembersModule], providers: [MergesService, MergeEndpoints] })
export class MergesModule {}

export const mergesFeature: Feature = { module: MergesModule };

import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { CreateListTables1765000000300 } from './1765000000300-create-list-tables.js';
import { ListEndpoints } from './lists.endpoints.js';
import { ListsService } from './lists.service.js';

/** Admitted and negative lists per area and level, versioned: drafts, publishing with an effective day, comparing. */
@Module({ imports: [GridAreasModule], providers: [ListsService, ListEndpoints], exports: [ListsService] })
export class ListsModule {}

export const listsFeature: Feature = { module: ListsModule, migrations: [CreateListTables1765000000300] };

import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { CreateItemTables1765000000200 } from './1765000000200-create-item-tables.js';
import { ItemEndpoints } from './items.endpoints.js';
import { ItemsService } from './items.service.js';

/** The item catalogue (事项): what departments might push down, its legal basis and where it may be carried out. */
@Module({ providers: [ItemsService, ItemEndpoints] })
export class ItemsModule {}

export const itemsFeature: Feature = { module: ItemsModule, migrations: [CreateItemTables1765000000200] };

import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { GridAreasModule } from '@gridwork/area-read-model';
import { LedgerModule } from '../ledger/ledger.module.js';
import { CreateShopTables1766000000300 } from './1766000000300-create-shop-tables.js';
import { PickupDeadlines } from './pickup-deadlines.js';
import { ShopEndpoints } from './shop.endpoints.js';
import { ShopService } from './shop.service.js';

/** The points shop (积分兑换): rewards with stock and limits, redemptions reserved, picked up, cancelled or expired. */
@Module({ imports: [GridAreasModule, LedgerModule], providers: [ShopService, ShopEndpoints, PickupDeadlines] })
export class ShopModule {}

export const shopFeature: Feature = { module: ShopModule, migrations: [CreateShopTables1766000000300] };

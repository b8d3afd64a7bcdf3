import { Module } from '@nestjs/common';
import { CalendarService } from '../calendar/calendar.service.js';
import { CategoryEndpoints } from './categories.endpoints.js';
import { CategoriesService } from './categories.service.js';
import type { Feature } from '@gridwork/runtime';
import { CreateCategoryTables1764000000200 } from './1764000000200-create-category-tables.js';

/** Categories with their time limits, and the working calendar the limits count in. */
@Module({ providers: [CategoriesService, CalendarService, CategoryEndpoints], exports: [CategoriesService, CalendarService] })
export class CategoriesModule {}

export const categoriesFeature: Feature = { module: CategoriesModule, migrations: [CreateCategoryTables1764000000200] };

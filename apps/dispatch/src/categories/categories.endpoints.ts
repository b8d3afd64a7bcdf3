import { Injectable } from '@nestjs/common';
import { subjects, type DefineCategoryRequest, type GetCategoryRequest, type ListCategoriesRequest } from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { CategoriesService } from './categories.service.js';

@Injectable()
export class CategoryEndpoints {
  constructor(private readonly categories: CategoriesService) {}

  @Endpoint(subjects.dispatch.category.define)
  define(request: DefineCategoryRequest) {
    return this.categories.define(request);
  }

  @Endpoint(subjects.dispatch.category.get)
  get(request: GetCategoryRequest) {
    return this.categories.get(request);
  }

  @Endpoint(subjects.dispatch.category.list)
  list(request: ListCategoriesRequest) {
    return this.categories.list(request);
  }
}

import { Injectable } from '@nestjs/common';
import {
  subjects,
  type CreateOrganizationRequest,
  type DissolveOrganizationRequest,
  type MoveOrganizationRequest,
  type OrganizationRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { OrganizationsService } from './organizations.service.js';

@Injectable()
export class OrganizationEndpoints {
  constructor(private readonly organizations: OrganizationsService) {}

  @Endpoint(subjects.org.organization.create)
  create(request: CreateOrganizationRequest) {
    return this.organizations.create(request);
  }

  @Endpoint(subjects.org.organization.get)
  get(request: OrganizationRequest) {
    return this.organizations.get(request);
  }

  @Endpoint(subjects.org.organization.children)
  children(request: OrganizationRequest) {
    return this.organizations.children(request);
  }

  @Endpoint(subjects.org.organization.subtree)
  subtree(request: OrganizationRequest) {
    return this.organizations.subtree(request);
  }

  @Endpoint(subjects.org.organization.path)
  path(request: OrganizationRequest) {
    return this.organizations.path(request);
  }

  @Endpoint(subjects.org.organization.move)
  move(request: MoveOrganizationRequest) {
    return this.organizations.move(request);
  }

  @Endpoint(subjects.org.organization.dissolve)
  dissolve(request: DissolveOrganizationRequest) {
    return this.organizations.dissolve(request);
  }
}

import { Injectable } from '@nestjs/common';
import {
  subjects,
  type DefineBrandRequest,
  type DefineTeamRequest,
  type GetBrandRequest,
  type GetTeamRequest,
  type GetVolunteerRequest,
  type ListVolunteersRequest,
  type RegisterVolunteerRequest,
  type TeamMembershipRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { VolunteersService } from './volunteers.service.js';

@Injectable()
export class VolunteerEndpoints {
  constructor(private readonly volunteers: VolunteersService) {}

  @Endpoint(subjects.timebank.volunteer.register)
  register(request: RegisterVolunteerRequest) {
    return this.volunteers.register(request);
  }

  @Endpoint(subjects.timebank.volunteer.get)
  get(request: GetVolunteerRequest) {
    return this.volunteers.get(request);
  }

  @Endpoint(subjects.timebank.volunteer.list)
  list(request: ListVolunteersRequest) {
    return this.volunteers.list(request);
  }

  @Endpoint(subjects.timebank.brand.define)
  defineBrand(request: DefineBrandRequest) {
    return this.volunteers.defineBrand(request);
  }

  @Endpoint(subjects.timebank.brand.get)
  getBrand(request: GetBrandRequest) {
    return this.volunteers.getBrand(request);
  }

  @Endpoint(subjects.timebank.team.define)
  defineTeam(request: DefineTeamRequest) {
    return this.volunteers.defineTeam(request);
  }

  @Endpoint(subjects.timebank.team.get)
  getTeam(request: GetTeamRequest) {
    return this.volunteers.getTeam(request);
  }

  @Endpoint(subjects.timebank.team.join)
  join(request: TeamMembershipRequest) {
    return this.volunteers.join(request);
  }

  @Endpoint(subjects.timebank.team.leave)
  leave(request: TeamMembershipRequest) {
    return this.volunteers.leave(request);
  }
}

import { Injectable } from '@nestjs/common';
import {
  subjects,
  type ConvertMemberRequest,
  type LeaveRequest,
  type MemberRequest,
  type ReencryptRequest,
  type RegisterMemberRequest,
  type SearchMembersRequest,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { MembersService } from './members.service.js';

@Injectable()
export class MemberEndpoints {
  constructor(private readonly members: MembersService) {}

  @Endpoint(subjects.org.member.register)
  register(request: RegisterMemberRequest) {
    return this.members.register(request);
  }

  @Endpoint(subjects.org.member.get)
  get(request: MemberRequest) {
    return this.members.get(request);
  }

  @Endpoint(subjects.org.member.search)
  search(request: SearchMembersRequest) {
    return this.members.search(request);
  }

  @Endpoint(subjects.org.member.convert)
  convert(request: ConvertMemberRequest) {
    return this.members.convert(request);
  }

  @Endpoint(subjects.org.member.leave)
  leave(request: LeaveRequest) {
    return this.members.leave(request);
  }

  @Endpoint(subjects.org.member.reencrypt)
  reencrypt(request: ReencryptRequest) {
    return this.members.reencrypt(request);
  }
}

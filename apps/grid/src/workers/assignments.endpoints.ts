import { Injectable } from '@nestjs/common';
import {
  subjects,
  type AssignWorkerRequest,
  type AssignmentPage,
  type EndAssignmentRequest,
  type ListAssignmentsRequest,
  type WorkerAssignment,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { AssignmentsService } from './assignments.service.js';

const worker = subjects.grid.worker;

@Injectable()
export class AssignmentsEndpoints {
  constructor(private readonly assignments: AssignmentsService) {}

  @Endpoint(worker.assign)
  assign(request: AssignWorkerRequest): Promise<WorkerAssignment> {
    return this.assignments.assign(request);
  }

  @Endpoint(worker.endAssignment)
  endAssignment(request: EndAssignmentRequest): Promise<WorkerAssignment> {
    return this.assignments.end(request);
  }

  @Endpoint(worker.assignments)
  history(request: ListAssignmentsRequest): Promise<AssignmentPage> {
    return this.assignments.list(request);
  }
}

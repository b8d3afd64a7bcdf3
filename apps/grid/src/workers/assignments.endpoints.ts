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
import { CallerAreas } from '../caller-areas/caller-areas.js';

const worker = subjects.grid.worker;

@Injectable()
export class AssignmentsEndpoints {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly callerAreas: CallerAreas,
  ) {}

  @Endpoint(worker.assign)
  async assign({ withinAreas, ...request }: AssignWorkerRequest): Promise<WorkerAssignment> {
    await this.callerAreas.area(withinAreas, request.gridCode, 'grid');
    return this.assignments.assign(request);
  }

  @Endpoint(worker.endAssignment)
  endAssignment(request: EndAssignmentRequest): Promise<WorkerAssignment> {
    return this.assignments.end(request);
  }

  @Endpoint(worker.assignments)
  async history({ withinAreas, ...request }: ListAssignmentsRequest): Promise<AssignmentPage> {
    // By worker, by grid, or both: each one given is a place the caller must hold.
    if (request.workerId !== undefined) await this.callerAreas.worker(withinAreas, request.workerId);
    if (request.gridCode !== undefined || request.workerId === undefined) await this.callerAreas.area(withinAreas, request.gridCode, 'grid');
    return this.assignments.list(request);
  }
}

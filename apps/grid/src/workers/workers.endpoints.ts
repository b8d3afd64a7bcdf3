import { Injectable } from '@nestjs/common';
import {
  subjects,
  type GetWorkerRequest,
  type LeaveWorkerRequest,
  type ListWorkersRequest,
  type RegisterWorkerRequest,
  type UpdateWorkerRequest,
  type Worker,
  type WorkerPage,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { WorkersService } from './workers.service.js';
import { CallerAreas } from '../caller-areas/caller-areas.js';

const worker = subjects.grid.worker;

@Injectable()
export class WorkersEndpoints {
  constructor(
    private readonly workers: WorkersService,
    private readonly callerAreas: CallerAreas,
  ) {}

  @Endpoint(worker.register)
  async register({ withinAreas, ...request }: RegisterWorkerRequest): Promise<Worker> {
    await this.callerAreas.area(withinAreas, request.communityCode, 'community');
    return this.workers.register(request);
  }

  @Endpoint(worker.update)
  async update({ withinAreas, ...request }: UpdateWorkerRequest): Promise<Worker> {
    await this.callerAreas.worker(withinAreas, request.id);
    return this.workers.update(request);
  }

  @Endpoint(worker.leave)
  async leave({ withinAreas, ...request }: LeaveWorkerRequest): Promise<Worker> {
    await this.callerAreas.worker(withinAreas, request.id);
    return this.workers.leave(request);
  }

  @Endpoint(worker.get)
  async get({ withinAreas, id }: GetWorkerRequest): Promise<Worker> {
    await this.callerAreas.worker(withinAreas, id);
    return this.workers.get(id);
  }

  @Endpoint(worker.list)
  async list({ withinAreas, ...request }: ListWorkersRequest): Promise<WorkerPage> {
    await this.callerAreas.area(withinAreas, request.areaCode, 'areaCode');
    return this.workers.list(request);
  }
}

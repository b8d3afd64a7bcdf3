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

const worker = subjects.grid.worker;

@Injectable()
export class WorkersEndpoints {
  constructor(private readonly workers: WorkersService) {}

  @Endpoint(worker.register)
  register(request: RegisterWorkerRequest): Promise<Worker> {
    return this.workers.register(request);
  }

  @Endpoint(worker.update)
  update(request: UpdateWorkerRequest): Promise<Worker> {
    return this.workers.update(request);
  }

  @Endpoint(worker.leave)
  leave(request: LeaveWorkerRequest): Promise<Worker> {
    return this.workers.leave(request);
  }

  @Endpoint(worker.get)
  get(request: GetWorkerRequest): Promise<Worker> {
    return this.workers.get(request.id);
  }

  @Endpoint(worker.list)
  list(request: ListWorkersRequest): Promise<WorkerPage> {
    return this.workers.list(request);
  }
}

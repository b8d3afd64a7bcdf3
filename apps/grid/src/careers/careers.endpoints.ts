import { Injectable } from '@nestjs/common';
import {
  subjects,
  type Assessment,
  type AssessmentList,
  type Career,
  type Certificate,
  type GetCareerRequest,
  type Ladder,
  type ListAssessmentsRequest,
  type ListReservePoolRequest,
  type ListTrainingRequest,
  type NominateRequest,
  type PlaceCareerRequest,
  type PromoteRequest,
  type RecordAssessmentRequest,
  type RecordCertificateRequest,
  type RecordTrainingRequest,
  type ReservePoolMember,
  type ReservePoolPage,
  type ReservePoolRoll,
  type RollReservePoolRequest,
  type SetLadderRequest,
  type Training,
  type TrainingProfile,
} from '@gridwork/contracts';
import { Endpoint } from '@gridwork/messaging';
import { AssessmentsService } from './assessments.service.js';
import { CareersService } from './careers.service.js';
import { ReservePoolService } from './reserve-pool.service.js';
import { TrainingService } from './training.service.js';
import { CallerAreas } from '../caller-areas/caller-areas.js';

const career = subjects.grid.career;

@Injectable()
export class CareersEndpoints {
  constructor(
    private readonly careers: CareersService,
    private readonly assessments: AssessmentsService,
    private readonly training: TrainingService,
    private readonly pool: ReservePoolService,
    private readonly callerAreas: CallerAreas,
  ) {}

  @Endpoint(career.ladder)
  ladder(): Promise<Ladder> {
    return this.careers.ladder();
  }

  @Endpoint(career.setLadder)
  setLadder(request: SetLadderRequest): Promise<Ladder> {
    return this.careers.setLadder(request);
  }

  @Endpoint(career.place)
  async place({ withinAreas, ...request }: PlaceCareerRequest): Promise<Career> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.careers.place(request);
  }

  @Endpoint(career.promote)
  async promote({ withinAreas, ...request }: PromoteRequest): Promise<Career> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.careers.promote(request);
  }

  @Endpoint(career.get)
  async get({ withinAreas, ...request }: GetCareerRequest): Promise<Career> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.careers.get(request.workerId);
  }

  @Endpoint(subjects.grid.assessment.record)
  async recordAssessment({ withinAreas, ...request }: RecordAssessmentRequest): Promise<Assessment> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.assessments.record(request);
  }

  @Endpoint(subjects.grid.assessment.list)
  async listAssessments({ withinAreas, ...request }: ListAssessmentsRequest): Promise<AssessmentList> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.assessments.list(request);
  }

  @Endpoint(subjects.grid.training.record)
  async recordTraining({ withinAreas, ...request }: RecordTrainingRequest): Promise<Training> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.training.record(request);
  }

  @Endpoint(subjects.grid.training.recordCertificate)
  async recordCertificate({ withinAreas, ...request }: RecordCertificateRequest): Promise<Certificate> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.training.recordCertificate(request);
  }

  @Endpoint(subjects.grid.training.list)
  async listTraining({ withinAreas, ...request }: ListTrainingRequest): Promise<TrainingProfile> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.training.list(request.workerId);
  }

  @Endpoint(subjects.grid.reservePool.nominate)
  async nominate({ withinAreas, ...request }: NominateRequest): Promise<ReservePoolMember> {
    await this.callerAreas.worker(withinAreas, request.workerId);
    return this.pool.nominate(request);
  }

  @Endpoint(subjects.grid.reservePool.roll)
  roll(request: RollReservePoolRequest): Promise<ReservePoolRoll> {
    return this.pool.roll(request.year);
  }

  @Endpoint(subjects.grid.reservePool.list)
  listPool(request: ListReservePoolRequest): Promise<ReservePoolPage> {
    return this.pool.list(request);
  }
}

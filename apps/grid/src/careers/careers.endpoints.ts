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

const career = subjects.grid.career;

@Injectable()
export class CareersEndpoints {
  constructor(
    private readonly careers: CareersService,
    private readonly assessments: AssessmentsService,
    private readonly training: TrainingService,
    private readonly pool: ReservePoolService,
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
  place(request: PlaceCareerRequest): Promise<Career> {
    return this.careers.place(request);
  }

  @Endpoint(career.promote)
  promote(request: PromoteRequest): Promise<Career> {
    return this.careers.promote(request);
  }

  @Endpoint(career.get)
  get(request: GetCareerRequest): Promise<Career> {
    return this.careers.get(request.workerId);
  }

  @Endpoint(subjects.grid.assessment.record)
  recordAssessment(request: RecordAssessmentRequest): Promise<Assessment> {
    return this.assessments.record(request);
  }

  @Endpoint(subjects.grid.assessment.list)
  listAssessments(request: ListAssessmentsRequest): Promise<AssessmentList> {
    return this.assessments.list(request);
  }

  @Endpoint(subjects.grid.training.record)
  recordTraining(request: RecordTrainingRequest): Promise<Training> {
    return this.training.record(request);
  }

  @Endpoint(subjects.grid.training.recordCertificate)
  recordCertificate(request: RecordCertificateRequest): Promise<Certificate> {
    return this.training.recordCertificate(request);
  }

  @Endpoint(subjects.grid.training.list)
  listTraining(request: ListTrainingRequest): Promise<TrainingProfile> {
    return this.training.list(request.workerId);
  }

  @Endpoint(subjects.grid.reservePool.nominate)
  nominate(request: NominateRequest): Promise<ReservePoolMember> {
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

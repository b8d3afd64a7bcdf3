import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type Certificate,
  type CertificateKind,
  type RecordCertificateRequest,
  type RecordTrainingRequest,
  type Training,
  type TrainingProfile,
} from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';
import { compact, newId } from '@gridwork/persistence';
import { workerIn } from '../workers/worker.rows.js';
import { today } from '@gridwork/local-time';

/** The names printed on the national social-worker certificates (社会工作者职业水平证书). */
const CERTIFICATE_NAMES: Record<Exclude<CertificateKind, 'other'>, string> = {
  'social-worker-junior': '助理社会工作师 (junior social worker)',
  'social-worker-intermediate': '社会工作师 (intermediate social worker)',
  'social-worker-senior': '高级社会工作师 (senior social worker)',
};

const TRAINING_COLUMNS = `id, worker_id AS "workerId", course, provider, started_on::text AS "startedOn", ended_on::text AS "endedOn",
  hours::float8 AS hours, passed`;
const CERTIFICATE_COLUMNS = `id, worker_id AS "workerId", kind, name, number, issued_on::text AS "issuedOn", expires_on::text AS "expiresOn", issuer`;

/** Training records and qualification certificates. */
@Injectable()
export class TrainingService {
  constructor(private readonly dataSource: DataSource) {}

  async record(request: RecordTrainingRequest): Promise<Training> {
    if (request.endedOn !== undefined && request.endedOn < request.startedOn) {
      throw GridworkError.validation([{ field: 'endedOn', messages: ['endedOn must not be before startedOn'] }]);
    }
    return this.dataSource.transaction(async (em) => {
      await workerIn(em, request.workerId);
      const id = newId();
      const [row] = await em.query(
        `INSERT INTO training (id, worker_id, course, provider, started_on, ended_on, hours, passed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${TRAINING_COLUMNS}`,
        [id, request.workerId, request.course, request.provider ?? null, request.startedOn, request.endedOn ?? null, request.hours, request.passed ?? null],
      );
      return compact(row) as Training;
    });
  }

  async recordCertificate(request: RecordCertificateRequest): Promise<Certificate> {
    if (request.kind === 'other' && request.name === undefined) {
      throw GridworkError.validation([{ field: 'name', messages: ['name is required for a certificate of kind other'] }]);
    }
    if (request.expiresOn !== undefined && request.expiresOn <= request.issuedOn) {
      throw GridworkError.validation([{ field: 'expiresOn', messages: ['expiresOn must be after issuedOn'] }]);
    }
    const name = request.kind === 'other' ? request.name! : (request.name ?? CERTIFICATE_NAMES[request.kind]);
    return this.dataSource.transaction(async (em) => {
      await workerIn(em, request.workerId);
      const [existing] = await em.query(`SELECT worker_id FROM certificate WHERE kind = $1 AND name = $2 AND number = $3`, [request.kind, name, request.number]);
      if (existing) throw new GridworkError(ErrorCode.CONFLICT, `certificate ${request.number} (${name}) is already recorded`);
      const [row] = await em.query(
        `INSERT INTO certificate (id, worker_id, kind, name, number, issued_on, expires_on, issuer)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${CERTIFICATE_COLUMNS}`,
        [newId(), request.workerId, request.kind, name, request.number, request.issuedOn, request.expiresOn ?? null, request.issuer ?? null],
      );
      const certificate = compact(row) as Certificate;
      await publishInTransaction(em, subjects.grid.training.certificateRecorded, certificate);
      return certificate;
    });
  }

  async list(workerId: string): Promise<TrainingProfile> {
    const em = this.dataSource.manager;
    await workerIn(em, workerId);
    const trainings: Training[] = (await em.query(`SELECT ${TRAINING_COLUMNS} FROM training WHERE worker_id = $1 ORDER BY started_on, id`, [workerId])).map(
      (r: Training) => compact(r),
    );
    const certificates: Certificate[] = (
      await em.query(`SELECT ${CERTIFICATE_COLUMNS} FROM certificate WHERE worker_id = $1 ORDER BY issued_on, id`, [workerId])
    ).map((r: Certificate) => compact(r));
    const day = today();
    const valid = new Set(certificates.filter((c) => c.expiresOn === undefined || c.expiresOn > day).map((c) => c.kind));
    return {
      workerId,
      trainings,
      // In tenths of an hour, so sums of 0.1 h steps stay exact.
      totalHours: trainings.reduce((sum, t) => sum + Math.round(t.hours * 10), 0) / 10,
      certificates,
      validCertificateKinds: [...valid].sort(),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApprovalList, ApprovalRecord, ApprovalsRequest, Decision, OrgActor, Workflow } from '@gridwork/contracts';
import { compact, newId } from '@gridwork/persistence';

interface ApprovalRow {
  id: string;
  workflow: Workflow;
  subject_id: string;
  step: string;
  decision: Decision;
  reason: string;
  actor_id: string;
  actor_name: string | null;
  decided_at: Date;
}

const recordOf = (row: ApprovalRow): ApprovalRecord =>
  compact({
    id: row.id,
    workflow: row.workflow,
    subjectId: row.subject_id,
    step: row.step,
    decision: row.decision,
    reason: row.reason,
    actorId: row.actor_id,
    actorName: row.actor_name ?? undefined,
    decidedAt: row.decided_at.toISOString(),
  });

/** Decisions of every workflow: sole writer of `approval`. Workflows record theirs in their own transaction. */
@Injectable()
export class ApprovalsService {
  constructor(private readonly dataSource: DataSource) {}

  async record(em: EntityManager, decision: { workflow: Workflow; subjectId: string; step: string; decision: Decision; reason: string; actor: OrgActor }): Promise<ApprovalRecord> {
    const [row] = await em.query<ApprovalRow[]>(
      `INSERT INTO approval (id, workflow, subject_id, step, decision, reason, actor_id, actor_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [newId(), decision.workflow, decision.subjectId, decision.step, decision.decision, decision.reason, decision.actor.id, decision.actor.name ?? null],
    );
    return recordOf(row!);
  }

  async list(request: ApprovalsRequest): Promise<ApprovalList> {
    const rows = await this.dataSource.query<ApprovalRow[]>(
      `SELECT * FROM approval WHERE subject_id = $1 AND ($2::text IS NULL OR workflow = $2) ORDER BY decided_at, id`,
      [request.subjectId, request.workflow ?? null],
    );
    return { items: rows.map(recordOf) };
  }
}

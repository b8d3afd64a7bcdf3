import type { EntityManager } from 'typeorm';
import { GridworkError, type AdmissionLevel, type Application, type ApplicationAction, type ApplicationState, type FundedBy } from '@gridwork/contracts';
import { compact } from '@gridwork/persistence';

export interface ApplicationRow {
  id: string;
  item_code: string;
  item_name: string;
  area_code: string;
  area_path: string[];
  level: AdmissionLevel;
  department: string;
  reason: string;
  head_count: number;
  annual_budget_yuan: string;
  funded_by: FundedBy;
  state: ApplicationState;
  round: number;
  submitted_at: Date;
  decided_at: Date | null;
}

interface StepRow {
  application_id: string;
  action: ApplicationAction;
  state: ApplicationState;
  by_id: string;
  by_name: string | null;
  reason: string;
  at: Date;
}

const COLUMNS = `a.*, i.name AS item_name`;

export async function selectApplications(em: EntityManager, where: string, parameters: unknown[], suffix = ''): Promise<ApplicationRow[]> {
  return em.query<ApplicationRow[]>(`SELECT ${COLUMNS} FROM application a JOIN item i ON i.code = a.item_code WHERE ${where} ${suffix}`, parameters);
}

/** The application, locked for this transaction when `lock`; NOT_FOUND when there is none. */
export async function applicationRow(em: EntityManager, id: string, lock = false): Promise<ApplicationRow> {
  const [row] = await selectApplications(em, 'a.id = $1', [id], lock ? 'FOR UPDATE OF a' : '');
  if (!row) throw GridworkError.notFound(`application ${id}`);
  return row;
}

/** Applications with their histories, in the rows' order. */
export async function applicationsOf(em: EntityManager, rows: ApplicationRow[]): Promise<Application[]> {
  if (rows.length === 0) return [];
  const steps = await em.query<StepRow[]>(
    `SELECT application_id, action, state, by_id, by_name, reason, at FROM application_step WHERE application_id = ANY ($1) ORDER BY application_id, position`,
    [rows.map((row) => row.id)],
  );
  return rows.map((row) => ({
    ...compact({
      id: row.id,
      itemCode: row.item_code,
      itemName: row.item_name,
      areaCode: row.area_code,
      level: row.level,
      department: row.department,
      reason: row.reason,
      resources: { headCount: row.head_count, annualBudgetYuan: Number(row.annual_budget_yuan), fundedBy: row.funded_by },
      state: row.state,
      round: row.round,
      submittedAt: row.submitted_at.toISOString(),
      decidedAt: row.decided_at?.toISOString(),
    }),
    history: steps
      .filter((step) => step.application_id === row.id)
      .map((step) => compact({ action: step.action, state: step.state, by: step.by_id, byName: step.by_name ?? undefined, reason: step.reason, at: step.at.toISOString() })),
  }));
}

/** Records a step of the review. */
export async function recordStep(
  em: EntityManager,
  id: string,
  step: { action: ApplicationAction; state: ApplicationState; by: string; byName?: string; reason: string },
): Promise<void> {
  await em.query(
    `INSERT INTO application_step (application_id, position, action, state, by_id, by_name, reason)
     VALUES ($1, coalesce((SELECT max(position) FROM application_step WHERE application_id = $1), 0) + 1, $2, $3, $4, $5, $6)`,
    [id, step.action, step.state, step.by, step.byName ?? null, step.reason],
  );
}

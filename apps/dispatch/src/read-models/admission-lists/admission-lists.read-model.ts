import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { subjects, type GateAnswer, type ItemChanged, type ListPublished } from '@gridwork/contracts';
import { answerGate, answerGateQuestion, gateFactSql, gateFactsSql, type GateFactsRow, type GateQuestion, type GateTables } from '@gridwork/admission-rules';
import { OnEvent, type EventContext } from '@gridwork/messaging';
import { preparedQuery } from '@gridwork/persistence';

const TABLES: GateTables = {
  areas: 'known_area',
  items: 'admission_item',
  lists: 'admission_list',
  versions: 'admission_list_version',
  entries: 'admission_list_entry',
};

/** The gate reads dispatch's copy of the lists, with the same rule as the admission service. */
export const ADMISSION_GATE_FACTS_SQL = gateFactsSql(TABLES);

/**
 * The same for one question, with scalar parameters: a prepared statement
 * of the array form is planned afresh at every call (PostgreSQL cannot
 * guess its arrays' sizes), about 0.4 ms a report of one.
 */
export const ADMISSION_GATE_FACT_SQL = gateFactSql(TABLES);

/**
 * Admission gating (事项准入): a department's task may reach a community or
 * grid only for an item admitted there. Dispatch keeps the admission
 * service's catalogue and published list versions from its events and
 * decides locally, with the rule the admission service's own gate uses, so a
 * report needs no call to another service. Until admission has published,
 * nothing is admitted and the refusal says so.
 */
@Injectable()
export class AdmissionListsReadModel {
  @OnEvent(subjects.admission.item.changed)
  async onItemChanged({ item }: ItemChanged, { em }: EventContext): Promise<void> {
    await em.query(
      `INSERT INTO admission_item (code, name, levels, withdrawn_on) VALUES ($1, $2, $3, $4)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, levels = EXCLUDED.levels, withdrawn_on = EXCLUDED.withdrawn_on, updated_at = now()`,
      [item.code, item.name, item.levels, item.withdrawnOn ?? null],
    );
  }

  /** A published version is stored once, whole; a redelivered event finds it there. */
  @OnEvent(subjects.admission.list.published)
  async onListPublished(version: ListPublished, { em }: EventContext): Promise<void> {
    await em.query(`INSERT INTO admission_list (area_code, kind, level) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [version.areaCode, version.kind, version.level ?? null]);
    const [stored] = await em.query<{ id: string }[]>(
      `INSERT INTO admission_list_version (list_id, number, effective_on)
       SELECT id, $4, $5 FROM admission_list WHERE area_code = $1 AND kind = $2 AND level IS NOT DISTINCT FROM $3
       ON CONFLICT (list_id, number) DO NOTHING RETURNING id`,
      [version.areaCode, version.kind, version.level ?? null, version.number, version.effectiveOn],
    );
    if (!stored) return;
    await em.query(
      `INSERT INTO admission_list_entry (version_id, item_code, admitted) SELECT $1, code, admitted FROM unnest($2::text[], $3::boolean[]) AS e(code, admitted)`,
      [stored.id, version.entries.map((e) => e.itemCode), version.entries.map((e) => e.admitted)],
    );
  }

  /** The gate's answers, in order, from dispatch's copy. */
  async answer(em: EntityManager, questions: GateQuestion[]): Promise<GateAnswer[]> {
    if (questions.length === 1) {
      return [await answerGateQuestion((sql, parameters) => preparedQuery<GateFactsRow>(em, 'dispatch-admission-gate-fact', sql, parameters), ADMISSION_GATE_FACT_SQL, questions[0]!)];
    }
    return answerGate((sql, parameters) => preparedQuery<GateFactsRow>(em, 'dispatch-admission-gate-facts', sql, parameters), ADMISSION_GATE_FACTS_SQL, questions);
  }

  /** Whether anything has arrived from the admission service, to say so in a refusal. */
  async received(em: EntityManager): Promise<boolean> {
    const [row] = await em.query<{ any: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM admission_list_version) OR EXISTS (SELECT 1 FROM admission_item) AS any`);
    return row!.any;
  }
}

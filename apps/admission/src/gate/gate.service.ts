import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CheckGateBatchRequest, GateAnswer, GateAnswers, GateAsk } from '@gridwork/contracts';
import { answerGate, gateFactsSql, type GateFactsRow, type GateQuestion } from '@gridwork/admission-rules';
import { preparedQuery } from '@gridwork/persistence';
import { today } from '@gridwork/local-time';

/** The gate reads the lists where the admission service keeps them. */
const FACTS_SQL = gateFactsSql({ areas: 'known_area', items: 'item', lists: 'list', versions: 'list_version', entries: 'list_entry' });

/**
 * The gate (准入关口): reads only published versions, which never change, so
 * it takes no locks; a publish is one UPDATE, so each answer sees a version
 * whole or not at all.
 */
@Injectable()
export class GateService {
  constructor(private readonly dataSource: DataSource) {}

  async check(ask: GateAsk): Promise<GateAnswer> {
    return (await this.answer(this.dataSource.manager, [ask]))[0]!;
  }

  async checkBatch(request: CheckGateBatchRequest): Promise<GateAnswers> {
    return { answers: await this.answer(this.dataSource.manager, request.asks) };
  }

  /** Answers in order; a question without a day is asked for today (China time). */
  answer(em: EntityManager, asks: GateAsk[]): Promise<GateAnswer[]> {
    const day = today();
    const questions: GateQuestion[] = asks.map((ask) => ({ itemCode: ask.itemCode, level: ask.level, areaCode: ask.areaCode, on: ask.on ?? day }));
    return answerGate((sql, parameters) => preparedQuery<GateFactsRow>(em, 'admission-gate-facts', sql, parameters), FACTS_SQL, questions);
  }
}

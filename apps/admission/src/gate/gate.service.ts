import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CheckGateBatchRequest, GateAnswer, GateAnswers, GateAsk } from '@gridwork/contracts';
import { answerGate, answerGateQuestion, type GateFactsRow, type GateQuestion } from '@gridwork/admission-rules';
import { preparedQuery } from '@gridwork/persistence';
import { today } from '@gridwork/local-time';
import { ADMISSION_GATE_FACT_SQL, ADMISSION_GATE_FACTS_SQL } from './gate.sql.js';

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

  /**
   * Answers in order; a question without a day is asked for today (China
   * time). One question, the common case, goes through the one-question
   * statement, which PostgreSQL stops planning after its fifth call.
   */
  async answer(em: EntityManager, asks: GateAsk[]): Promise<GateAnswer[]> {
    const day = today();
    const questions: GateQuestion[] = asks.map((ask) => ({ itemCode: ask.itemCode, level: ask.level, areaCode: ask.areaCode, on: ask.on ?? day }));
    if (questions.length === 1) {
      return [await answerGateQuestion((sql, parameters) => preparedQuery<GateFactsRow>(em, 'admission-gate-fact', sql, parameters), ADMISSION_GATE_FACT_SQL, questions[0]!)];
    }
    return answerGate((sql, parameters) => preparedQuery<GateFactsRow>(em, 'admission-gate-facts', sql, parameters), ADMISSION_GATE_FACTS_SQL, questions);
  }
}

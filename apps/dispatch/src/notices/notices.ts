import type { EntityManager } from 'typeorm';
import { subjects, type DepartmentNotice } from '@gridwork/contracts';
import { publishInTransaction } from '@gridwork/messaging';

/**
 * Writes a notice for one department in the caller's transaction: the relay
 * publishes it on `gov.evt.dispatch.notice.<department>.<kind>` after commit.
 */
export function publishNotice(em: EntityManager, notice: DepartmentNotice): Promise<string> {
  return publishInTransaction(em, subjects.dispatch.notice[notice.kind], notice, { department: notice.department });
}

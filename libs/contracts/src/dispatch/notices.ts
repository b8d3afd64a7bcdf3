import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { DEPARTMENT_CODE, defineEvent } from '../definitions.js';
import { DEADLINES, DEPARTMENT_CODE_MESSAGE, FLAGS, type Deadline, type Flag } from './common.js';

/*
 * Department notices: durable notifications a department system receives
 * about its own cases (new assignments, reminders, escalations, red and
 * yellow flags, supervision orders, whistles calling it to report in).
 *
 * Each is a JetStream event on `gov.evt.dispatch.notice.<department>.<kind>`,
 * written through the outbox in the same transaction as its cause (or, for
 * case events, as dispatch applies them), so none is lost. A department
 * system consumes them with one durable consumer named after its code,
 * filtered to `gov.evt.dispatch.notice.<department>.>`:
 *
 *   client.consumeAddressed(DEPARTMENT_NOTICES, {}, async (notice, meta) => …)
 *
 * and its NATS permissions let it consume no other department's.
 */

export const NOTICE_KINDS = ['assigned', 'reopened', 'withdrawn', 'reminded', 'escalated', 'flagged', 'supervised', 'whistled'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export class DepartmentNotice {
  /** The department the notice is for (also the subject's department token). */
  @Matches(DEPARTMENT_CODE, { message: `department ${DEPARTMENT_CODE_MESSAGE}` }) department: string;
  @IsIn(NOTICE_KINDS) kind: NoticeKind;
  @IsUUID() caseId: string;
  @IsString() caseNumber: string;
  @IsOptional() @IsString() categoryCode?: string;
  /** When the cause happened. */
  @IsString() at: string;
  /** The case's deadlines for the department, when it owns the case. */
  @IsOptional() @IsString() acceptDueAt?: string;
  @IsOptional() @IsString() completeDueAt?: string;
  /** `reminded`: which deadline is near (`accept` to claim, `complete` to resolve). */
  @IsOptional() @IsIn(DEADLINES) deadline?: Deadline;
  /** `reminded`: when that deadline runs out; `whistled`: when the department must have reported in. */
  @IsOptional() @IsString() dueAt?: string;
  /** `escalated` and `flagged`: the flag the case now carries. */
  @IsOptional() @IsIn(FLAGS) flag?: Flag;
  /** `escalated`: true when the case was taken away from this department to the level above. */
  @IsOptional() @IsBoolean() escalatedAway?: boolean;
  /** `whistled`: the whistle to answer with `case.report-in`. */
  @IsOptional() @IsUUID() whistleId?: string;
  /** `supervised`: the supervision order. */
  @IsOptional() @IsUUID() supervisionOrderId?: string;
  /** `withdrawn`: what took the case away (`assign`, `reject`, `merge`, `callback`). */
  @IsOptional() @IsString() action?: string;
  /** Why, in words: the whistle's reason, the supervision order's note, the escalation's reason, why it was withdrawn. */
  @IsOptional() @IsString() reason?: string;
}

const notice = (event: NoticeKind, summary: string) =>
  defineEvent({ service: 'dispatch', aggregate: 'notice', event, summary, payload: DepartmentNotice, addressed: true });

export const noticeSubjects = {
  assigned: notice('assigned', 'A case was assigned to the department, with its deadlines.'),
  reopened: notice('reopened', "The reporter was not satisfied with one of the department's resolved cases: it is back with the department, with new deadlines."),
  withdrawn: notice('withdrawn', 'A case was taken away from the department by the dispatcher or a callback (reassigned, rejected, merged, or back to the dispatcher): nothing more is asked of it.'),
  reminded: notice('reminded', "A deadline on one of the department's cases is near."),
  escalated: notice('escalated', 'A case was escalated: taken away from the department for a missed deadline, or given to it from below.'),
  flagged: notice('flagged', "One of the department's cases missed a deadline and stays with it, flagged yellow or red."),
  supervised: notice('supervised', "A supervision order (督办) was issued on one of the department's cases."),
  whistled: notice('whistled', 'A grid or community blew the whistle (吹哨) calling the department to report in (报到) by a deadline.'),
};

/** Every notice kind, for `GridworkClient.consumeAddressed`. */
export const DEPARTMENT_NOTICES = Object.values(noticeSubjects);

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ACTIVIST_MONTHS_BEFORE_CANDIDATE,
  ErrorCode,
  GridworkError,

  MINIMUM_AGE,
  TRAINING_MINUTES_BEFORE_ADMISSION,
  type AdvanceRequest,
  type Applicant,
  type ApplicantRequest,
  type ApplyRequest,
  type DueItem,
  type DueList,
  type DueRequest,
  type JoiningStage,
  type OrgViewer,
  type ReencryptRequest,
  type ReencryptResult,
  type TrainingRequest,
} from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { compact, newId } from '@gridwork/persistence';
import { ApprovalsService } from '../approvals/approvals.service.js';
import { addMonths } from '../calendar.js';
import { MembersService } from '../members/members.service.js';
import { maskIdNumber, PersonalData } from '../members/personal-data.js';
import { lockPerson } from '../members/person-lock.js';
import type { OrganizationRow } from '../organizations/organization.rows.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { assertWithinAreas } from '../scope.js';

interface ApplicantRow {
  id: string;
  name: string;
  id_number_enc: string;
  organization_id: string;
  stage: JoiningStage;
  applied_on: string;
  activist_on: string | null;
  candidate_on: string | null;
  planned_on: string | null;
  admission_resolved_on: string | null;
  admitted_on: string | null;
  stopped_on: string | null;
  sponsor_ids: string[];
  member_id: string | null;
  training: { on: string; minutes: number; topic: string }[];
  candidate_minutes: number;
}

/** Dates as text; the training sessions and the minutes since becoming a candidate beside them. */
const APPLICANT_SELECT = `SELECT a.id, a.name, a.id_number_enc, a.organization_id, a.stage, a.applied_on::text AS applied_on, a.activist_on::text AS activist_on,
    a.candidate_on::text AS candidate_on, a.planned_on::text AS planned_on,
    a.admission_resolved_on::text AS admission_resolved_on, a.admitted_on::text AS admitted_on, a.stopped_on::text AS stopped_on,
    a.sponsor_ids, a.member_id,
    COALESCE((SELECT jsonb_agg(jsonb_build_object('on', t.on_day::text, 'minutes', t.minutes, 'topic', t.topic) ORDER BY t.on_day, t.id) FROM applicant_training t WHERE t.applicant_id = a.id), '[]') AS training,
    COALESCE((SELECT sum(t.minutes)::int FROM applicant_training t WHERE t.applicant_id = a.id AND t.on_day >= a.candidate_on), 0) AS candidate_minutes
  FROM applicant a`;

/** The stage each step starts from. */
const FROM_STAGE: Record<AdvanceRequest['to'], JoiningStage> = { activist: 'applicant', candidate: 'activist', planned: 'candidate', admitted: 'planned' };
const NEXT_STEP: Partial<Record<JoiningStage, AdvanceRequest['to']>> = { applicant: 'activist', activist: 'candidate', candidate: 'planned', planned: 'admitted' };

/** The day the current stage began. */
const stageDay = (row: ApplicantRow): string => ({ applicant: row.applied_on, activist: row.activist_on, candidate: row.candidate_on, planned: row.planned_on, admitted: row.admitted_on, stopped: row.stopped_on })[row.stage]!;

/** Whole years of age on `day`, from the birth date in an identity card number. */
const ageOn = (idNumber: string, day: string): number => {
  const born = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  const years = Number(day.slice(0, 4)) - Number(born.slice(0, 4));
  return day.slice(5) < born.slice(5) ? years - 1 : years;
};

/**
 * Joining the party (发展党员): sole writer of `applicant` and
 * `applicant_training`. Each decision goes to the approval record; admission
 * puts the applicant on the roll as a probationary member.
 */
@Injectable()
export class JoiningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
    private readonly approvals: ApprovalsService,
    private readonly personal: PersonalData,
  ) {}

  async apply(request: ApplyRequest): Promise<Applicant> {
    const wrong = [];
    if (request.appliedOn > today()) wrong.push({ field: 'appliedOn', messages: ['appliedOn is in the future'] });
    else if (ageOn(request.idNumber, request.appliedOn) < MINIMUM_AGE) wrong.push({ field: 'idNumber', messages: [`the applicant was under ${MINIMUM_AGE} on ${request.appliedOn}`] });
    if (wrong.length > 0) throw GridworkError.validation(wrong);
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.current(em, request.organizationId, 'FOR SHARE');
      assertWithinAreas(request.actor, organization.area_path, `organization ${organization.name}`);
      if (organization.kind === 'group') throw new GridworkError(ErrorCode.CONFLICT, `${organization.name} is a group: one applies to its branch`);
      // The person's hash under every hash key (a rotation may not have rehashed their rows yet), locked as members' are.
      const hashes = this.personal.idNumberHashes(request.idNumber);
      const all = hashes.map((h) => h.hash);
      await lockPerson(em, hashes);
      const [open] = await em.query<{ id: string }[]>(`SELECT id FROM applicant WHERE id_number_hash = ANY ($1::bytea[]) AND stage NOT IN ('admitted', 'stopped')`, [all]);
      if (open) throw new GridworkError(ErrorCode.CONFLICT, `this person has an open application (${open.id})`);
      const [member] = await em.query<{ number: string }[]>(`SELECT number FROM member WHERE id_number_hash = ANY ($1::bytea[])`, [all]);
      if (member) throw new GridworkError(ErrorCode.CONFLICT, `this person is on the roll already, as member ${member.number}`);
      const id = newId();
      await em.query(
        `INSERT INTO applicant (id, name, id_number_enc, id_number_hash, id_number_hash_key, organization_id, stage, applied_on) VALUES ($1, $2, $3, $4, $5, $6, 'applicant', $7)`,
        [id, request.name, this.personal.encrypt(request.idNumber.toUpperCase(), id, 'id-number'), hashes[0]!.hash, hashes[0]!.keyId, organization.id, request.appliedOn],
      );
      return this.applicantOf(await this.row(em, id), request.actor);
    });
  }

  async advance(request: AdvanceRequest): Promise<Applicant> {
    if (request.on > today()) throw GridworkError.validation([{ field: 'on', messages: ['on is in the future'] }]);
    return this.dataSource.transaction(async (em) => {
      const row = await this.row(em, request.id, true);
      const organization = await this.organizations.current(em, row.organization_id, 'FOR SHARE');
      assertWithinAreas(request.actor, organization.area_path, `applicant ${row.name}'s organization ${organization.name}`);
      if (row.stage !== FROM_STAGE[request.to]) {
        const next = NEXT_STEP[row.stage];
        throw new GridworkError(ErrorCode.CONFLICT, `${row.name} is at stage ${row.stage}: ${next ? `the next step is ${next}` : 'there is no next step'}, not ${request.to}`);
      }
      if (request.on < stageDay(row)) throw GridworkError.validation([{ field: 'on', messages: [`on is before ${row.name} became ${row.stage} (${stageDay(row)})`] }]);
      const step = await this.step(em, row, request, organization);
      if (request.decision === 'pass') await this.pass(em, row, request, organization);
      else if (request.decision === 'refuse') await em.query(`UPDATE applicant SET stage = 'stopped', stopped_on = $2 WHERE id = $1`, [row.id, request.on]);
      // Sent back by the higher committee: the branch assembly takes it up again.
      else if (step === 'admission-approval') await em.query(`UPDATE applicant SET admission_resolved_on = NULL WHERE id = $1`, [row.id]);
      await this.approvals.record(em, { workflow: 'joining', subjectId: row.id, step, decision: request.decision, reason: request.reason, actor: request.actor });
      return this.applicantOf(await this.row(em, row.id), request.actor);
    });
  }

  async train(request: TrainingRequest): Promise<Applicant> {
    if (request.on > today()) throw GridworkError.validation([{ field: 'on', messages: ['on is in the future'] }]);
    return this.dataSource.transaction(async (em) => {
      const row = await this.row(em, request.id, true);
      const organization = await this.organizations.visible(em, row.organization_id, undefined);
      assertWithinAreas(request.actor, organization.area_path, `applicant ${row.name}'s organization ${organization.name}`);
      if (!['activist', 'candidate', 'planned'].includes(row.stage)) throw new GridworkError(ErrorCode.CONFLICT, `${row.name} is at stage ${row.stage}: training is for activists and candidates`);
      await em.query(`INSERT INTO applicant_training (id, applicant_id, on_day, minutes, topic, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`, [
        newId(),
        row.id,
        request.on,
        request.minutes,
        request.topic,
        request.actor.id,
      ]);
      return this.applicantOf(await this.row(em, row.id), request.actor);
    });
  }

  async get(request: ApplicantRequest): Promise<Applicant> {
    const row = await this.row(this.dataSource.manager, request.id);
    const organization = await this.organizations.visible(this.dataSource.manager, row.organization_id, undefined);
    assertWithinAreas(request.viewer, organization.area_path, `applicant ${row.name}`);
    return this.applicantOf(row, request.viewer);
  }

  /** Moves the open applications of `from` to `to` (a merge); returns how many. */
  async moveOpen(em: EntityManager, from: OrganizationRow, to: OrganizationRow): Promise<number> {
    const moved = await em.query<{ id: string }[]>(
      `WITH a AS (UPDATE applicant SET organization_id = $2 WHERE organization_id = $1 AND stage NOT IN ('admitted', 'stopped') RETURNING id) SELECT id FROM a`,
      [from.id, to.id],
    );
    return moved.length;
  }

  /** One batch of a key rotation for applicants' ID numbers (encryption and hash), as `MembersService.reencrypt` does for members. */
  async reencrypt(request: ReencryptRequest): Promise<ReencryptResult> {
    const current = this.personal.currentKeyId;
    const currentHash = this.personal.currentHashKeyId;
    const stale = `(NOT starts_with(id_number_enc, $1 || ':') OR id_number_hash_key <> $2)`;
    const reencrypted = await this.dataSource.transaction(async (em) => {
      const rows = await em.query<{ id: string; id_number_enc: string }[]>(`SELECT id, id_number_enc FROM applicant WHERE ${stale} LIMIT $3 FOR UPDATE SKIP LOCKED`, [
        current,
        currentHash,
        request.batch ?? 1000,
      ]);
      if (rows.length === 0) return 0;
      const plain = rows.map((r) => this.personal.decrypt(r.id_number_enc, r.id, 'id-number'));
      await em.query(
        `UPDATE applicant a SET id_number_enc = u.enc, id_number_hash = u.hash, id_number_hash_key = $4
           FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS u(id, enc, hash) WHERE a.id = u.id`,
        [rows.map((r) => r.id), rows.map((r, i) => this.personal.encrypt(plain[i]!, r.id, 'id-number')), plain.map((p) => this.personal.hashIdNumber(p).hash), currentHash],
      );
      return rows.length;
    });
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM applicant WHERE ${stale}`, [current, currentHash])) as [{ n: number }];
    return { currentKeyId: current, reencrypted, remaining: n };
  }

  /** Each open applicant's next step and each probationary member's conversion in the subtree, soonest first. */
  async due(request: DueRequest): Promise<DueList> {
    const root = await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer);
    const on = request.on ?? today();
    const applicants = await this.dataSource.query<ApplicantRow[]>(
      `${APPLICANT_SELECT} JOIN organization o ON o.id = a.organization_id WHERE o.path <@ $1::ltree AND a.stage NOT IN ('admitted', 'stopped')`,
      [root.path],
    );
    const items: DueItem[] = applicants.map((row) => {
      const next = NEXT_STEP[row.stage]!;
      let from = stageDay(row);
      let waitingFor: string | undefined;
      if (next === 'candidate') from = addMonths(row.activist_on!, ACTIVIST_MONTHS_BEFORE_CANDIDATE);
      if (next === 'admitted' && row.admission_resolved_on) {
        return compact({ kind: 'applicant' as const, id: row.id, name: row.name, organizationId: row.organization_id, next: 'approval', from: row.admission_resolved_on, state: 'due' as const });
      }
      if (next === 'admitted' && row.candidate_minutes < TRAINING_MINUTES_BEFORE_ADMISSION) {
        waitingFor = `training: ${row.candidate_minutes} of ${TRAINING_MINUTES_BEFORE_ADMISSION} minutes since becoming a candidate`;
      }
      if (!waitingFor && from > on) waitingFor = `the rules' interval: not before ${from}`;
      return compact({ kind: 'applicant' as const, id: row.id, name: row.name, organizationId: row.organization_id, next, from, state: waitingFor ? ('waiting' as const) : ('due' as const), waitingFor });
    });
    const probationers = await this.dataSource.query<{ id: string; name: string; organization_id: string; due: string; resolved: string | null }[]>(
      `SELECT m.id, m.name, m.organization_id, m.conversion_due_on::text AS due, m.conversion_resolved_on::text AS resolved FROM member m JOIN organization o ON o.id = m.organization_id
        WHERE o.path <@ $1::ltree AND m.status = 'probationary'`,
      [root.path],
    );
    for (const m of probationers) {
      if (m.resolved) {
        items.push({ kind: 'member', id: m.id, name: m.name, organizationId: m.organization_id, next: 'conversion-approval', from: m.resolved, state: 'due' });
        continue;
      }
      items.push(
        compact({
          kind: 'member' as const,
          id: m.id,
          name: m.name,
          organizationId: m.organization_id,
          next: 'conversion',
          from: m.due,
          state: m.due > on ? ('waiting' as const) : ('due' as const),
          waitingFor: m.due > on ? `probation runs until ${m.due}` : undefined,
        }),
      );
    }
    items.sort((a, b) => (a.from === b.from ? a.id.localeCompare(b.id) : a.from < b.from ? -1 : 1));
    return { items };
  }

  /**
   * The step of the approval record this decision is, checking that it may
   * be taken: admission is resolved by the branch assembly, then approved by
   * a committee above the applicant's organization (by someone within its
   * areas); the other steps are the branch's.
   */
  private async step(em: EntityManager, row: ApplicantRow, request: AdvanceRequest, organization: OrganizationRow): Promise<string> {
    const by = request.by ?? 'branch';
    if (request.to !== 'admitted') {
      if (by !== 'branch') throw GridworkError.validation([{ field: 'by', messages: [`${request.to} is decided by the branch; only admission goes to a higher committee`] }]);
      return request.to;
    }
    if (by === 'branch') {
      if (row.admission_resolved_on) throw new GridworkError(ErrorCode.CONFLICT, `the branch assembly resolved to admit ${row.name} on ${row.admission_resolved_on}: the higher committee's approval is awaited`);
      return 'admission-resolution';
    }
    if (!row.admission_resolved_on) throw new GridworkError(ErrorCode.CONFLICT, `the branch assembly has not resolved to admit ${row.name}: the higher committee approves after it`);
    if (request.on < row.admission_resolved_on) throw GridworkError.validation([{ field: 'on', messages: [`on is before the branch assembly's resolution (${row.admission_resolved_on})`] }]);
    const committee = await this.organizations.current(em, request.committeeId!, 'FOR SHARE');
    if (committee.kind !== 'committee' || !organization.path.startsWith(`${committee.path}.`)) {
      throw new GridworkError(ErrorCode.CONFLICT, `${committee.name} is not a committee above ${organization.name}`);
    }
    assertWithinAreas(request.actor, committee.area_path, `committee ${committee.name}`);
    return 'admission-approval';
  }

  /** The rules of each step when it is passed; then the applicant reaches it. */
  private async pass(em: EntityManager, row: ApplicantRow, request: AdvanceRequest, organization: OrganizationRow): Promise<void> {
    switch (request.to) {
      case 'activist':
        await em.query(`UPDATE applicant SET stage = 'activist', activist_on = $2 WHERE id = $1`, [row.id, request.on]);
        return;
      case 'candidate': {
        const from = addMonths(row.activist_on!, ACTIVIST_MONTHS_BEFORE_CANDIDATE);
        if (request.on < from) throw new GridworkError(ErrorCode.CONFLICT, `${row.name} has been an activist since ${row.activist_on}: a year of training comes first, so not before ${from}`);
        const sponsors = [...new Set(request.sponsorIds!)];
        if (sponsors.length !== 2) throw GridworkError.validation([{ field: 'sponsorIds', messages: ['two different sponsors'] }]);
        const full = await em.query<{ id: string }[]>(`SELECT id FROM member WHERE id = ANY ($1::uuid[]) AND status = 'full'`, [sponsors]);
        if (full.length !== 2) throw new GridworkError(ErrorCode.CONFLICT, `sponsors are full members: ${sponsors.filter((s) => !full.some((f) => f.id === s)).join(', ')} is not`);
        await em.query(`UPDATE applicant SET stage = 'candidate', candidate_on = $2, sponsor_ids = $3 WHERE id = $1`, [row.id, request.on, sponsors]);
        return;
      }
      case 'planned':
        await em.query(`UPDATE applicant SET stage = 'planned', planned_on = $2 WHERE id = $1`, [row.id, request.on]);
        return;
      case 'admitted': {
        if (!row.admission_resolved_on) {
          if (row.candidate_minutes < TRAINING_MINUTES_BEFORE_ADMISSION) {
            throw new GridworkError(ErrorCode.CONFLICT, `${row.name} has ${row.candidate_minutes} minutes of training since becoming a candidate; admission needs ${TRAINING_MINUTES_BEFORE_ADMISSION}`);
          }
          await em.query(`UPDATE applicant SET admission_resolved_on = $2 WHERE id = $1`, [row.id, request.on]);
          return;
        }
        // Probation runs from the branch assembly's resolution (预备期从支部大会通过之日算起).
        const member = await this.members.insert(em, {
          number: request.memberNumber!,
          name: row.name,
          idNumber: this.personal.decrypt(row.id_number_enc, row.id, 'id-number'),
          organization,
          status: 'probationary',
          joinedOn: row.admission_resolved_on,
        });
        await em.query(`UPDATE applicant SET stage = 'admitted', admitted_on = $2, member_id = $3 WHERE id = $1`, [row.id, row.admission_resolved_on, member.id]);
      }
    }
  }

  private async row(em: EntityManager, id: string, lock = false): Promise<ApplicantRow> {
    const [row] = await em.query<ApplicantRow[]>(`${APPLICANT_SELECT} WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`, [id]);
    if (!row) throw GridworkError.notFound(`applicant ${id}`);
    return row;
  }

  private applicantOf(row: ApplicantRow, reader: OrgViewer | { id: string } | undefined): Applicant {
    const idNumber = this.personal.decrypt(row.id_number_enc, row.id, 'id-number');
    const show = reader !== undefined && 'personalData' in reader && reader.personalData === true;
    return compact({
      id: row.id,
      name: row.name,
      idNumber: show ? idNumber : maskIdNumber(idNumber),
      organizationId: row.organization_id,
      stage: row.stage,
      appliedOn: row.applied_on,
      activistOn: row.activist_on ?? undefined,
      candidateOn: row.candidate_on ?? undefined,
      plannedOn: row.planned_on ?? undefined,
      admissionResolvedOn: row.admission_resolved_on ?? undefined,
      admittedOn: row.admitted_on ?? undefined,
      stoppedOn: row.stopped_on ?? undefined,
      sponsorIds: row.sponsor_ids,
      training: row.training,
      candidateTrainingMinutes: row.candidate_minutes,
      memberId: row.member_id ?? undefined,
    });
  }
}


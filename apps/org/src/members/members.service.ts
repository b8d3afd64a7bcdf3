import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ErrorCode,
  GridworkError,
  subjects,
  type ConvertMemberRequest,
  type LeaveRequest,
  type Member,
  type MemberList,
  type MemberRequest,
  type OrgActor,
  type OrgViewer,
  type ReencryptRequest,
  type ReencryptResult,
  type RegisterMemberRequest,
  type SearchMembersRequest,
} from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { publishInTransaction, publishManyInTransaction } from '@gridwork/messaging';
import { compact, newId, pageOf } from '@gridwork/persistence';
import { ApprovalsService } from '../approvals/approvals.service.js';
import type { OrganizationRow } from '../organizations/organization.rows.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { addMonths } from '../calendar.js';
import { assertWithinAreas } from '../scope.js';
import { isCurrent, MEMBER_COLUMNS, summaryOf, type MemberRow } from './member.rows.js';
import { maskIdNumber, maskPhone, PersonalData } from './personal-data.js';
import { lockPerson } from './person-lock.js';

const DEFAULT_PAGE = 50;

/** Party members: sole writer of `member` (and, through its trigger, `member_count`). */
@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly approvals: ApprovalsService,
    private readonly personal: PersonalData,
  ) {}

  async register(request: RegisterMemberRequest): Promise<Member> {
    const wrong = [];
    if (request.joinedOn > today()) wrong.push({ field: 'joinedOn', messages: ['joinedOn is in the future'] });
    if (request.status === 'full' && request.convertedOn && request.convertedOn < addMonths(request.joinedOn, 12)) {
      wrong.push({ field: 'convertedOn', messages: [`a full member is converted after a year of probation: not before ${addMonths(request.joinedOn, 12)}`] });
    }
    if (request.status === 'probationary' && request.convertedOn !== undefined) wrong.push({ field: 'convertedOn', messages: ['a probationary member has not been converted'] });
    if (request.convertedOn && request.convertedOn > today()) wrong.push({ field: 'convertedOn', messages: ['convertedOn is in the future'] });
    if (wrong.length > 0) throw GridworkError.validation(wrong);
    return this.dataSource.transaction(async (em) => {
      const organization = await this.organizations.current(em, request.organizationId, 'FOR SHARE');
      assertWithinAreas(request.actor, organization.area_path, `organization ${organization.name}`);
      const row = await this.insert(em, { ...request, organization });
      return this.memberOf(row, request.actor);
    });
  }

  /**
   * Puts a member on `organization`'s roll in the caller's transaction
   * (registration, and admission at the end of joining) and announces it;
   * CONFLICT when the number or the person is on the roll already.
   */
  async insert(
    em: EntityManager,
    m: { number: string; name: string; idNumber: string; phone?: string; organization: OrganizationRow; status: 'probationary' | 'full'; joinedOn: string; convertedOn?: string },
  ): Promise<MemberRow> {
    assertHoldsMembers(m.organization);
    // The person's hash under every hash key: during a rotation their row may still be under the old one.
    const hashes = this.personal.idNumberHashes(m.idNumber);
    await lockPerson(em, hashes);
    const [taken] = await em.query<{ number: string }[]>(`SELECT number FROM member WHERE id_number_hash = ANY ($1::bytea[]) OR number = $2`, [hashes.map((h) => h.hash), m.number]);
    if (taken) {
      throw new GridworkError(ErrorCode.CONFLICT, taken.number === m.number ? `member number ${m.number} is taken` : `this ID number is already on the roll, as member ${taken.number}`);
    }
    const id = newId();
    const [row] = await em.query<MemberRow[]>(
      `WITH m AS (
         INSERT INTO member (id, number, name, id_number_enc, id_number_hash, id_number_hash_key, phone_enc, organization_id, status, joined_on, conversion_due_on, converted_on)
         VALUES ($1, $2, $3, $4, $5, $12, $6, $7, $8, $9, $10, $11) RETURNING *)
       SELECT ${MEMBER_COLUMNS} FROM m`,
      [
        id,
        m.number,
        m.name,
        this.personal.encrypt(m.idNumber.toUpperCase(), id, 'id-number'),
        hashes[0]!.hash,
        m.phone ? this.personal.encrypt(m.phone, id, 'phone') : null,
        m.organization.id,
        m.status,
        m.joinedOn,
        m.status === 'probationary' ? addMonths(m.joinedOn, 12) : null,
        m.convertedOn ?? null,
        hashes[0]!.keyId,
      ],
    );
    await publishInTransaction(em, subjects.org.member.joined, { member: summaryOf(row!), joinedOn: row!.joined_on });
    return row!;
  }

  async get(request: MemberRequest): Promise<Member> {
    const row = await this.row(this.dataSource.manager, request.id);
    const organization = await this.organizations.visible(this.dataSource.manager, row.organization_id, undefined);
    assertWithinAreas(request.viewer, organization.area_path, `member ${row.number}`);
    return this.memberOf(row, request.viewer);
  }

  async search(request: SearchMembersRequest): Promise<MemberList> {
    if (!request.withinOrganizationId && !request.name && !request.number && !request.idNumber) {
      throw GridworkError.validation(['withinOrganizationId', 'name', 'number', 'idNumber'].map((field) => ({ field, messages: ['give at least one of withinOrganizationId, name, number, idNumber'] })));
    }
    let rootPath: string | null = null;
    if (request.withinOrganizationId) rootPath = (await this.organizations.visible(this.dataSource.manager, request.withinOrganizationId, request.viewer)).path;
    const limit = request.limit ?? DEFAULT_PAGE;
    const statuses = request.status ? [request.status] : ['full', 'probationary'];
    // The page's ids first, from the covering index (organization, id, status, name) alone; then only
    // those rows from the heap: a township's thousands of members are never read from the heap.
    const rows = await this.dataSource.query<MemberRow[]>(
      `WITH page AS (
         SELECT m.id FROM member m JOIN organization o ON o.id = m.organization_id
          WHERE m.status = ANY ($1::text[])
            AND ($2::ltree IS NULL OR o.path <@ $2::ltree)
            AND ($3::text IS NULL OR m.name LIKE '%' || $3 || '%')
            AND ($4::text IS NULL OR m.number = $4)
            AND ($5::bytea[] IS NULL OR m.id_number_hash = ANY ($5::bytea[]))
            AND ($6::text[] IS NULL OR o.area_path && $6::text[])
            AND ($7::uuid IS NULL OR m.id > $7)
          ORDER BY m.id LIMIT $8)
       SELECT ${MEMBER_COLUMNS} FROM page JOIN member m ON m.id = page.id ORDER BY m.id`,
      [
        statuses,
        rootPath,
        request.name ? request.name.replace(/[\\%_]/g, (c) => `\\${c}`) : null,
        request.number ?? null,
        // Under every hash key, current first: a rotation's pass may not have reached the member yet.
        request.idNumber ? this.personal.idNumberHashes(request.idNumber).map((h) => h.hash) : null,
        request.viewer?.areas ?? null,
        request.after ?? null,
        limit + 1,
      ],
    );
    return pageOf(rows, limit, (row) => row.id, (row) => this.memberOf(row, request.viewer));
  }

  async convert(request: ConvertMemberRequest): Promise<Member> {
    if (request.on > today()) throw GridworkError.validation([{ field: 'on', messages: ['on is in the future'] }]);
    const byCommittee = request.by === 'higher-committee';
    return this.dataSource.transaction(async (em) => {
      const row = await this.row(em, request.id, 'FOR UPDATE');
      const organization = await this.organizations.visible(em, row.organization_id, undefined);
      if (row.status !== 'probationary') throw new GridworkError(ErrorCode.CONFLICT, `member ${row.number} is ${row.status}, not probationary`);
      if (byCommittee) {
        if (!row.conversion_resolved_on) throw new GridworkError(ErrorCode.CONFLICT, `the branch assembly has not resolved to convert member ${row.number}: the higher committee decides after it`);
        if (request.on < row.conversion_resolved_on) throw GridworkError.validation([{ field: 'on', messages: [`on is before the branch assembly's resolution (${row.conversion_resolved_on})`] }]);
        const committee = await this.organizations.current(em, request.committeeId!, 'FOR SHARE');
        if (committee.kind !== 'committee' || !organization.path.startsWith(`${committee.path}.`)) {
          throw new GridworkError(ErrorCode.CONFLICT, `${committee.name} is not a committee above ${organization.name}`);
        }
        assertWithinAreas(request.actor, committee.area_path, `committee ${committee.name}`);
      } else {
        assertWithinAreas(request.actor, organization.area_path, `member ${row.number}`);
        if (row.conversion_resolved_on) throw new GridworkError(ErrorCode.CONFLICT, `the branch assembly resolved to convert member ${row.number} on ${row.conversion_resolved_on}: the higher committee's decision is awaited`);
      }
      let updated: MemberRow;
      if (request.decision === 'pass' && !byCommittee) {
        if (request.on < row.conversion_due_on!) throw new GridworkError(ErrorCode.CONFLICT, `member ${row.number}'s probation runs until ${row.conversion_due_on}: not converted before then`);
        updated = await this.update(em, row.id, `conversion_resolved_on = $2`, [request.on]);
      } else if (request.decision === 'pass') {
        // A full member from the day probation ended (预备期满之日), whenever the committee decided.
        updated = await this.update(em, row.id, `status = 'full', converted_on = conversion_due_on, conversion_due_on = NULL, conversion_resolved_on = NULL`, []);
      } else if (request.decision === 'return' && byCommittee) {
        updated = await this.update(em, row.id, `conversion_resolved_on = NULL`, []);
      } else if (request.decision === 'return') {
        if (row.probation_extended) throw new GridworkError(ErrorCode.CONFLICT, `member ${row.number}'s probation was extended once already`);
        updated = await this.update(em, row.id, `conversion_due_on = $2, probation_extended = true`, [addMonths(row.conversion_due_on!, request.extendMonths!)]);
      } else {
        updated = await this.update(em, row.id, `status = 'left', left_on = $2, leaving_reason = 'disqualified', conversion_due_on = NULL, conversion_resolved_on = NULL`, [request.on]);
        await publishInTransaction(em, subjects.org.member.left, { member: summaryOf(updated), reason: 'disqualified', on: request.on });
      }
      await this.approvals.record(em, {
        workflow: 'conversion',
        subjectId: row.id,
        step: byCommittee ? 'higher-committee' : 'branch-assembly',
        decision: request.decision,
        reason: request.reason,
        actor: request.actor,
      });
      return this.memberOf(updated, request.actor);
    });
  }

  async leave(request: LeaveRequest): Promise<Member> {
    if (request.on > today()) throw GridworkError.validation([{ field: 'on', messages: ['on is in the future'] }]);
    return this.dataSource.transaction(async (em) => {
      const row = await this.row(em, request.id, 'FOR UPDATE');
      const organization = await this.organizations.visible(em, row.organization_id, undefined);
      assertWithinAreas(request.actor, organization.area_path, `member ${row.number}`);
      if (!isCurrent(row)) throw new GridworkError(ErrorCode.CONFLICT, `member ${row.number} has already left (${row.leaving_reason}, ${row.left_on})`);
      if (request.reason === 'disqualified' && row.status !== 'probationary') throw new GridworkError(ErrorCode.CONFLICT, `only a probationary member is disqualified; ${row.number} is a full member`);
      if (request.on < row.joined_on) throw GridworkError.validation([{ field: 'on', messages: [`on is before the member joined (${row.joined_on})`] }]);
      const updated = await this.update(em, row.id, `status = $2, left_on = $3, leaving_reason = $4, conversion_due_on = NULL, conversion_resolved_on = NULL`, [
        request.reason === 'died' ? 'deceased' : 'left',
        request.on,
        request.reason,
      ]);
      await publishInTransaction(em, subjects.org.member.left, { member: summaryOf(updated), reason: request.reason, on: request.on });
      return this.memberOf(updated, request.actor);
    });
  }

  /**
   * One batch of a key rotation: members whose personal data is under
   * another key than the current one, or whose ID-number hash is under
   * another hash key than the current one, are re-encrypted and rehashed
   * under the current keys. Replicas may run it at once (SKIP LOCKED); both
   * keys of each kind stay readable and searchable meanwhile.
   */
  async reencrypt(request: ReencryptRequest): Promise<ReencryptResult> {
    const current = this.personal.currentKeyId;
    const currentHash = this.personal.currentHashKeyId;
    const stale = `(NOT starts_with(id_number_enc, $1 || ':') OR (phone_enc IS NOT NULL AND NOT starts_with(phone_enc, $1 || ':')) OR id_number_hash_key <> $2)`;
    const reencrypted = await this.dataSource.transaction(async (em) => {
      const rows = await em.query<MemberRow[]>(`SELECT m.id, m.id_number_enc, m.phone_enc FROM member m WHERE ${stale} LIMIT $3 FOR UPDATE SKIP LOCKED`, [
        current,
        currentHash,
        request.batch ?? 1000,
      ]);
      if (rows.length === 0) return 0;
      const ids: string[] = [];
      const idNumbers: string[] = [];
      const hashes: Buffer[] = [];
      const phones: (string | null)[] = [];
      for (const row of rows) {
        const idNumber = this.personal.decrypt(row.id_number_enc, row.id, 'id-number');
        ids.push(row.id);
        idNumbers.push(this.personal.encrypt(idNumber, row.id, 'id-number'));
        hashes.push(this.personal.hashIdNumber(idNumber).hash);
        phones.push(row.phone_enc ? this.personal.encrypt(this.personal.decrypt(row.phone_enc, row.id, 'phone'), row.id, 'phone') : null);
      }
      await em.query(
        `UPDATE member m SET id_number_enc = u.id_number_enc, id_number_hash = u.id_number_hash, id_number_hash_key = $5, phone_enc = u.phone_enc, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::text[]) AS u(id, id_number_enc, id_number_hash, phone_enc) WHERE m.id = u.id`,
        [ids, idNumbers, hashes, phones, currentHash],
      );
      return rows.length;
    });
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM member WHERE ${stale}`, [current, currentHash])) as [{ n: number }];
    return { currentKeyId: current, reencrypted, remaining: n };
  }

  /** A member, locked as asked; NOT_FOUND when there is none. */
  async row(em: EntityManager, id: string, lock: 'FOR UPDATE' | '' = ''): Promise<MemberRow> {
    const [row] = await em.query<MemberRow[]>(`SELECT ${MEMBER_COLUMNS} FROM member m WHERE m.id = $1 ${lock ? 'FOR UPDATE OF m' : ''}`, [id]);
    if (!row) throw GridworkError.notFound(`member ${id}`);
    return row;
  }

  /** Moves a current member (locked by the caller) to `to`, and announces it. */
  async moveTo(em: EntityManager, row: MemberRow, to: OrganizationRow, transferId: string): Promise<void> {
    assertHoldsMembers(to);
    const updated = await this.update(em, row.id, `organization_id = $2`, [to.id]);
    await publishInTransaction(em, subjects.org.member.transferred, { member: summaryOf(updated), fromOrganizationId: row.organization_id, toOrganizationId: to.id, transferId });
  }

  /** Moves every current member of `from` to `to` (a merge), announcing each; returns how many. */
  async moveAll(em: EntityManager, from: OrganizationRow, to: OrganizationRow): Promise<number> {
    const rows = await em.query<MemberRow[]>(
      `WITH m AS (UPDATE member SET organization_id = $2, updated_at = now() WHERE organization_id = $1 AND status IN ('full', 'probationary') RETURNING *)
       SELECT ${MEMBER_COLUMNS} FROM m`,
      [from.id, to.id],
    );
    if (rows.length > 0) assertHoldsMembers(to);
    await publishManyInTransaction(
      em,
      subjects.org.member.transferred,
      rows.map((row) => ({ member: summaryOf(row), fromOrganizationId: from.id, toOrganizationId: to.id })),
    );
    return rows.length;
  }

  private async update(em: EntityManager, id: string, set: string, params: unknown[]): Promise<MemberRow> {
    const [row] = await em.query<MemberRow[]>(`WITH m AS (UPDATE member SET ${set}, updated_at = now() WHERE id = $1 RETURNING *) SELECT ${MEMBER_COLUMNS} FROM m`, [id, ...params]);
    return row!;
  }

  /** The reply: personal data decrypted, and masked unless the reader may see it (a writer's reply is masked too). */
  private memberOf(row: MemberRow, reader: OrgViewer | OrgActor | undefined): Member {
    const show = reader !== undefined && 'personalData' in reader && reader.personalData === true;
    const idNumber = this.personal.decrypt(row.id_number_enc, row.id, 'id-number');
    const phone = row.phone_enc ? this.personal.decrypt(row.phone_enc, row.id, 'phone') : undefined;
    return compact({
      id: row.id,
      number: row.number,
      name: row.name,
      idNumber: show ? idNumber : maskIdNumber(idNumber),
      phone: phone && (show ? phone : maskPhone(phone)),
      masked: !show,
      organizationId: row.organization_id,
      status: row.status,
      joinedOn: row.joined_on,
      conversionDueOn: row.conversion_due_on ?? undefined,
      conversionResolvedOn: row.conversion_resolved_on ?? undefined,
      convertedOn: row.converted_on ?? undefined,
      leftOn: row.left_on ?? undefined,
      leavingReason: (row.leaving_reason ?? undefined) as Member['leavingReason'],
    });
  }
}

/** Members belong to a committee, general branch or branch; a group is part of its branch. */
function assertHoldsMembers(organization: OrganizationRow): void {
  if (organization.kind === 'group') throw new GridworkError(ErrorCode.CONFLICT, `${organization.name} is a group: members belong to its branch`);
}

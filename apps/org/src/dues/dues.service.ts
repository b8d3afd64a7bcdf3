import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DUES_TIERS,
  ErrorCode,
  GridworkError,
  type DuesBasis,
  type DuesEntry,
  type DuesReport,
  type DuesReportRequest,
  type DuesRule,
  type PayDuesRequest,
  type RollDuesRequest,
  type RollResult,
  type SetDuesBasisRequest,
} from '@gridwork/contracts';
import { today } from '@gridwork/local-time';
import { compact } from '@gridwork/persistence';
import { lastDayOf } from '../calendar.js';
import { isCurrent } from '../members/member.rows.js';
import { MembersService } from '../members/members.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { assertWithinAreas } from '../scope.js';

/** One month's dues under a basis, in fen: income × its tier's rate, rounded half up to the fen. */
export function monthlyDueFen(basis: { rule: DuesRule; monthlyIncomeFen?: number | null; fixedFen?: number | null }): number {
  if (basis.rule === 'exempt') return 0;
  if (basis.rule === 'fixed') return Number(basis.fixedFen);
  const income = Number(basis.monthlyIncomeFen);
  const { rateBp } = DUES_TIERS.find((tier) => income <= tier.uptoFen)!;
  return Math.floor((income * rateBp + 5_000) / 10_000);
}

interface EntryRow {
  member_id: string;
  member_name: string;
  organization_id: string;
  month: string;
  rule: DuesRule;
  due_fen: string;
  paid_fen: string;
  paid_on: string | null;
}

const ENTRY_SELECT = `SELECT e.member_id, m.name AS member_name, e.organization_id, e.month, e.rule, e.due_fen, e.paid_fen, e.paid_on::text AS paid_on
  FROM dues_entry e JOIN member m ON m.id = e.member_id`;

function entryOf(row: EntryRow, on = today()): DuesEntry {
  const due = Number(row.due_fen);
  const paid = Number(row.paid_fen);
  const over = on > lastDayOf(row.month);
  const state: DuesEntry['state'] =
    paid >= due ? (row.paid_on && row.paid_on > lastDayOf(row.month) ? 'paid-late' : 'paid') : over ? 'overdue' : paid > 0 ? 'partly-paid' : 'unpaid';
  return compact({ memberId: row.member_id, memberName: row.member_name, organizationId: row.organization_id, month: row.month, rule: row.rule, dueFen: due, paidFen: paid, paidOn: row.paid_on ?? undefined, state });
}

/** Party dues (党费): sole writer of `dues_basis` and `dues_entry`. */
@Injectable()
export class DuesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly members: MembersService,
  ) {}

  async setBasis(request: SetDuesBasisRequest): Promise<DuesBasis> {
    const wrong = [];
    if (request.rule !== 'income' && request.monthlyIncomeFen !== undefined) wrong.push({ field: 'monthlyIncomeFen', messages: ['monthlyIncomeFen is given only for the income rule'] });
    if (request.rule !== 'fixed' && request.fixedFen !== undefined) wrong.push({ field: 'fixedFen', messages: ['fixedFen is given only for the fixed rule'] });
    if (wrong.length > 0) throw GridworkError.validation(wrong);
    return this.dataSource.transaction(async (em) => {
      const member = await this.members.row(em, request.memberId, 'FOR UPDATE');
      if (!isCurrent(member)) throw new GridworkError(ErrorCode.CONFLICT, `member ${member.number} has left`);
      const organization = await this.organizations.visible(em, member.organization_id, undefined);
      assertWithinAreas(request.actor, organization.area_path, `member ${member.number}`);
      await em.query(
        `INSERT INTO dues_basis (member_id, rule, monthly_income_fen, fixed_fen, set_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (member_id) DO UPDATE SET rule = EXCLUDED.rule, monthly_income_fen = EXCLUDED.monthly_income_fen, fixed_fen = EXCLUDED.fixed_fen, set_by = EXCLUDED.set_by, set_at = now()`,
        [member.id, request.rule, request.monthlyIncomeFen ?? null, request.fixedFen ?? null, request.actor.id],
      );
      return compact({ memberId: member.id, rule: request.rule, monthlyIncomeFen: request.monthlyIncomeFen, fixedFen: request.fixedFen, monthlyDueFen: monthlyDueFen(request) });
    });
  }

  /** The month's roll for the subtree's current members: amounts computed from their basis now, so a later change of basis leaves the month as rolled. */
  async roll(request: RollDuesRequest): Promise<RollResult> {
    return this.dataSource.transaction(async (em) => {
      const root = await this.organizations.visible(em, request.organizationId, request.actor);
      const rows = await em.query<{ id: string; organization_id: string; rule: DuesRule | null; monthly_income_fen: string | null; fixed_fen: string | null; rolled: boolean }[]>(
        `SELECT m.id, m.organization_id, b.rule, b.monthly_income_fen, b.fixed_fen,
                EXISTS (SELECT 1 FROM dues_entry e WHERE e.member_id = m.id AND e.month = $2) AS rolled
           FROM member m JOIN organization o ON o.id = m.organization_id LEFT JOIN dues_basis b ON b.member_id = m.id
          WHERE o.path <@ $1::ltree AND m.status IN ('full', 'probationary')`,
        [root.path, request.month],
      );
      const toRoll = rows.filter((row) => row.rule && !row.rolled);
      await em.query(
        `INSERT INTO dues_entry (member_id, month, organization_id, rule, due_fen)
         SELECT u.member_id, $1, u.organization_id, u.rule, u.due_fen FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::bigint[]) AS u(member_id, organization_id, rule, due_fen)
         ON CONFLICT (member_id, month) DO NOTHING`,
        [
          request.month,
          toRoll.map((r) => r.id),
          toRoll.map((r) => r.organization_id),
          toRoll.map((r) => r.rule),
          toRoll.map((r) => monthlyDueFen({ rule: r.rule!, monthlyIncomeFen: r.monthly_income_fen === null ? null : Number(r.monthly_income_fen), fixedFen: r.fixed_fen === null ? null : Number(r.fixed_fen) })),
        ],
      );
      return { month: request.month, added: toRoll.length, alreadyRolled: rows.filter((r) => r.rolled).length, withoutBasis: rows.filter((r) => !r.rule).map((r) => r.id) };
    });
  }

  async pay(request: PayDuesRequest): Promise<DuesEntry> {
    if (request.paidOn > today()) throw GridworkError.validation([{ field: 'paidOn', messages: ['paidOn is in the future'] }]);
    return this.dataSource.transaction(async (em) => {
      const [row] = await em.query<EntryRow[]>(`${ENTRY_SELECT} WHERE e.member_id = $1 AND e.month = $2 FOR UPDATE OF e`, [request.memberId, request.month]);
      if (!row) throw GridworkError.notFound(`dues of member ${request.memberId} for ${request.month} (roll the month first)`);
      const organization = await this.organizations.visible(em, row.organization_id, undefined);
      assertWithinAreas(request.actor, organization.area_path, `member ${row.member_name}'s dues`);
      const owed = Number(row.due_fen) - Number(row.paid_fen);
      if (request.amountFen > owed) throw new GridworkError(ErrorCode.CONFLICT, `${row.member_name} owes ${owed} fen for ${request.month}; ${request.amountFen} fen is more`);
      const [updated] = await em.query<EntryRow[]>(
        `WITH e AS (UPDATE dues_entry SET paid_fen = paid_fen + $3, paid_on = $4 WHERE member_id = $1 AND month = $2 RETURNING *)
         SELECT e.member_id, m.name AS member_name, e.organization_id, e.month, e.rule, e.due_fen, e.paid_fen, e.paid_on::text AS paid_on FROM e JOIN member m ON m.id = e.member_id`,
        [request.memberId, request.month, request.amountFen, request.paidOn],
      );
      return entryOf(updated!);
    });
  }

  async report(request: DuesReportRequest): Promise<DuesReport> {
    const root = await this.organizations.visible(this.dataSource.manager, request.organizationId, request.viewer);
    const rows = await this.dataSource.query<EntryRow[]>(`${ENTRY_SELECT} JOIN organization o ON o.id = e.organization_id WHERE e.month = $1 AND o.path <@ $2::ltree`, [request.month, root.path]);
    const entries = rows.map((row) => entryOf(row));
    const dueFen = entries.reduce((sum, e) => sum + e.dueFen, 0);
    const paidFen = entries.reduce((sum, e) => sum + e.paidFen, 0);
    return {
      month: request.month,
      members: entries.length,
      dueFen,
      paidFen,
      outstandingFen: dueFen - paidFen,
      paidLate: entries.filter((e) => e.state === 'paid-late').length,
      outstanding: entries.filter((e) => e.paidFen < e.dueFen).sort((a, b) => b.dueFen - b.paidFen - (a.dueFen - a.paidFen) || a.memberId.localeCompare(b.memberId)),
    };
  }
}

import type { MemberSummary } from '@gridwork/contracts';

/** A row of `member` (owned by members/), as transfers and merges read it. */
export interface MemberRow {
  id: string;
  number: string;
  name: string;
  id_number_enc: string;
  phone_enc: string | null;
  organization_id: string;
  status: 'probationary' | 'full' | 'left' | 'deceased';
  joined_on: string;
  conversion_due_on: string | null;
  probation_extended: boolean;
  conversion_resolved_on: string | null;
  converted_on: string | null;
  left_on: string | null;
  leaving_reason: string | null;
}

/** Dates come back as text (`YYYY-MM-DD`), not as JavaScript dates at local midnight. */
export const MEMBER_COLUMNS = `m.id, m.number, m.name, m.id_number_enc, m.phone_enc, m.organization_id, m.status, m.joined_on::text AS joined_on,
  m.conversion_due_on::text AS conversion_due_on, m.probation_extended,
  m.conversion_resolved_on::text AS conversion_resolved_on, m.converted_on::text AS converted_on, m.left_on::text AS left_on, m.leaving_reason`;

export const summaryOf = (row: MemberRow): MemberSummary => ({ id: row.id, number: row.number, name: row.name, organizationId: row.organization_id, status: row.status });

export const isCurrent = (row: Pick<MemberRow, 'status'>): boolean => row.status === 'full' || row.status === 'probationary';

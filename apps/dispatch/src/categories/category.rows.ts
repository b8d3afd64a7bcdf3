import type { CategoryAttribute, HoursKind, Responsibility } from '@gridwork/contracts';

/** A `category` row as stored: who is responsible and the time limits its cases get. */
export interface CategoryRow {
  code: string;
  parent_code: string | null;
  name: string;
  responsible: Responsibility;
  accept_hours: number;
  complete_hours: number;
  hours_kind: HoursKind;
  admission_item: string | null;
  retired: boolean;
  attributes: CategoryAttribute[];
  updated_at: Date;
}

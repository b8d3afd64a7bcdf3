/** A `known_area` row as read; the boundary is only ever used inside SQL, so it is not read out. */
export interface KnownAreaRow {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  path: string[];
  retired: boolean;
  updated_at: Date;
}

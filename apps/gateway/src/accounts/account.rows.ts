import type { Grant } from '../auth/grants.js';
import type { AccountView } from './accounts.requests.js';

export interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  grants: Grant[];
  failed_sign_ins: number;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}


export const accountViewOf = (row: AccountRow): AccountView => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  grants: row.grants,
  ...(row.locked_until && row.locked_until > new Date() ? { lockedUntil: row.locked_until.toISOString() } : {}),
  ...(row.disabled_at ? { disabledAt: row.disabled_at.toISOString() } : {}),
  createdAt: row.created_at.toISOString(),
});

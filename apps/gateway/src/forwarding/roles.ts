import type { Role } from '../auth/grants.js';

/** Everyone who works in the platform, as opposed to residents and volunteers: they may read the area tree, grids and lists. */
export const STAFF: readonly Role[] = ['area-admin', 'dispatcher', 'department-staff', 'grid-worker', 'reviewer', 'organizer', 'operator'];

/** Who keeps an area's data (its areas, grids, workers and lists), inside their area. */
export const AREA_ADMIN: readonly Role[] = ['area-admin'];

/** Only platform admins (always allowed, so no other role). */
export const PLATFORM_ADMIN_ONLY: readonly Role[] = [];

/** Who watches the queues: dead letters and their replay. */
export const OPERATORS: readonly Role[] = ['operator'];

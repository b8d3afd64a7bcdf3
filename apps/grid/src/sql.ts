/*
 * The SQL the grid service runs that tools check against or count with,
 * published as `@gridwork/grid-service/sql`: a benchmark that checks the
 * service's answers uses the service's own conditions, not a copy of them.
 */
export { isActiveGrid } from './grid-lookups/active-grid.js';
export { pointOf } from './spatial/boundaries.js';

import { ErrorCode, GridworkError, liesWithin } from '@gridwork/contracts';

/*
 * The scope rule of the service, as dispatch has it: an actor with areas
 * changes only what lies inside one of them; a viewer with areas reads only
 * that. Absent areas: anywhere.
 */

/** FORBIDDEN, naming the thing and the areas, unless `areaPath` lies inside one of the actor's areas. */
export function assertWithinAreas(who: { id: string; areas?: string[] } | undefined, areaPath: string[], what: string): void {
  if (who?.areas && !liesWithin(areaPath, who.areas)) {
    throw new GridworkError(ErrorCode.FORBIDDEN, `${what} lies outside ${who.areas.join(', ')}, where ${who.id} acts`);
  }
}

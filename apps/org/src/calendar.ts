/*
 * Calendar days (`YYYY-MM-DD`) and months (`YYYY-MM`) as the org service's
 * rules count them: probation years, extensions, dues months, periods of
 * organization life, terms.
 */

/** A calendar day `months` later; the 29th of February plus a year is the 28th, not the 1st of March. */
export const addMonths = (day: string, months: number): string => {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y!, m! - 1 + months, d!));
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
};

export const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The last day of a `YYYY-MM` month. */
export const lastDayOf = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m!, 0)).toISOString().slice(0, 10);
};

/** Months from `from` to `to` (YYYY-MM), both included. */
export const monthsBetween = (from: string, to: string): number => {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return (ty! - fy!) * 12 + (tm! - fm!) + 1;
};

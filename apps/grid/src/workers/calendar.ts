/*
 * Calendar days for assignments, assessments and the reserve pool. "Today" is
 * the day in the platform's local time zone (China Standard Time), not UTC,
 * so an assignment starting on a day takes effect at local midnight.
 */

export const LOCAL_TIME_ZONE = 'Asia/Shanghai';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: LOCAL_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The local day (`YYYY-MM-DD`) of an instant. */
export const localDay = (at: Date): string => dayFormat.format(at);

/** Today as `YYYY-MM-DD` in the local time zone. */
export const today = (): string => localDay(new Date());

/** Drops null and undefined fields so replies and events carry only what is known. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

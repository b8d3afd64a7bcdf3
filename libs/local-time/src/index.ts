/*
 * The platform's local time is Asia/Shanghai (China Standard Time). It has
 * had no daylight saving since 1991: UTC+8 all year, so local days and clock
 * times are worked out by adding eight hours, without a time-zone database
 * (intake does this for every case, so it stays cheap).
 */

/** The zone's name, for SQL (`AT TIME ZONE`) and for people. */
export const LOCAL_TIME_ZONE = 'Asia/Shanghai';

export const LOCAL_OFFSET_MS = 8 * 3600_000;

type Instant = Date | string | number;

/** The local wall clock of an instant, as an ISO string without its zone: `2026-11-23T14:05:00.000`. */
const wallClock = (at: Instant): string => new Date(new Date(at).getTime() + LOCAL_OFFSET_MS).toISOString().slice(0, 23);

/** The local day of an instant: `2026-11-23`. */
export const localDay = (at: Instant): string => wallClock(at).slice(0, 10);

/**
 * The local time of an instant for people to read, with its offset so that a
 * reader elsewhere (or a log in UTC beside it) cannot take it for their own
 * clock: `2026-11-23 14:05 +08:00`.
 */
export const localTime = (at: Instant): string => `${wallClock(at).slice(0, 16).replace('T', ' ')} +08:00`;

/** Today as `YYYY-MM-DD` in local time, so a day's work starts at local midnight, not UTC's. */
export const today = (): string => localDay(Date.now());

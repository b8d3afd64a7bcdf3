/*
 * Local time is Asia/Shanghai, which has had no daylight saving since 1991:
 * UTC+8 all year, so local days and clock times are worked out without a
 * time-zone database.
 */
export const LOCAL_OFFSET_MS = 8 * 3600_000;

/** The local wall clock of an instant, as an ISO string without its zone: `2026-11-23T14:05:00.000`. */
const wallClock = (at: Date | string | number): string => new Date(new Date(at).getTime() + LOCAL_OFFSET_MS).toISOString().slice(0, 23);

/** The local day of an instant: `2026-11-23`. */
export const localDay = (at: Date | string | number): string => wallClock(at).slice(0, 10);

/** The local time of an instant for people to read: `2026-11-23 14:05`. */
export const localTime = (at: Date | string | number): string => wallClock(at).slice(0, 16).replace('T', ' ');

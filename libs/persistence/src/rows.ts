/*
 * From rows to replies: the two steps every service's queries end with.
 */

/**
 * A page from rows fetched with `limit + 1`: the extra row only says there is
 * more, and the cursor for the next page is the last shown row's.
 */
export function pageOf<Row, Item>(rows: Row[], limit: number, cursorOf: (row: Row) => string, itemOf: (row: Row) => Item): { items: Item[]; nextAfter?: string } {
  const shown = rows.slice(0, limit);
  const items = shown.map(itemOf);
  return rows.length > limit ? { items, nextAfter: cursorOf(shown[shown.length - 1]!) } : { items };
}

/** Drops null and undefined fields so replies and events carry only what is known. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

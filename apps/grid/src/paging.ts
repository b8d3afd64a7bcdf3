/**
 * A page from rows fetched with `limit + 1`: the extra row only says there is
 * more, and the cursor for the next page is the last shown row's.
 */
export function pageOf<Row, Item>(rows: Row[], limit: number, cursorOf: (row: Row) => string, itemOf: (row: Row) => Item): { items: Item[]; nextAfter?: string } {
  const shown = rows.slice(0, limit);
  const items = shown.map(itemOf);
  return rows.length > limit ? { items, nextAfter: cursorOf(shown[shown.length - 1]!) } : { items };
}


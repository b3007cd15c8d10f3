// Opaque page cursors for lists ordered by (a time, id): the last row's pair, base64url-encoded. Clients pass
// it back unchanged; anything else is a 400 naming the query field.
import { z } from 'zod';
import { ApiError } from '../routing/errors';

export interface KeysetPosition {
  at: Date;
  id: string;
}

const cursorSchema = z.tuple([z.iso.datetime(), z.uuid()]);

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

export function decodeKeysetCursor(cursor: string, field = 'query.cursor'): KeysetPosition {
  try {
    const [at, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { at: new Date(at), id };
  } catch {
    throw ApiError.invalid(field, 'not a cursor this API issued');
  }
}

/** `limit` rows of `rows` (read with one more), and the cursor of the next page when that extra row came. */
export function pageOf<Row>(rows: Row[], limit: number, positionOf: (row: Row) => KeysetPosition) {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? encodeKeysetCursor(positionOf(page[page.length - 1]!)) : null };
}

import { z } from 'zod';
import { ApiError } from './respond.js';
import { daySchema, dbIdSchema, hasControlCharacter } from '../ids.js';

/**
 * Opaque keyset cursors. A cursor holds the sort, the order and the sort key of the last row
 * returned (its value and id), so the next page starts strictly after that row: rows inserted
 * meanwhile never shift a page, and no row is seen twice or skipped.
 */

/** The key of the last row of a page: its sort value (a number, a date string, or null) and id. */
export interface CursorKey {
  sort: string;
  order: 'asc' | 'desc';
  value: string | number | null;
  /** The id, or a second string key (models are keyed by kind and scope). */
  id: number | string;
}

const cursorSchema = z.object({
  v: z.literal(1),
  s: z.string(),
  o: z.enum(['asc', 'desc']),
  k: z.union([z.string(), z.number(), z.null()]),
  i: z.union([z.number().int(), z.string()]),
});

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ v: 1, s: key.sort, o: key.order, k: key.value, i: key.id }), 'utf8').toString(
    'base64url',
  );
}

/** The key of the row a page starts after, typed for the query. */
export interface After<V, I> {
  value: V;
  id: I;
}

const invalid = () =>
  new ApiError(
    400,
    'INPUT_INVALID',
    'invalid parameter "cursor": pass the nextCursor of a previous page unchanged, or leave it out for the first page',
    {
      parameter: 'cursor',
    },
  );

/**
 * Decodes a cursor issued for the same sort and order, checking its key against the schemas of
 * the sort column and the id (a hand-made cursor must not reach SQL as the wrong type).
 * Anything else is a 400 naming `cursor`.
 */
export function decodeCursor<V, I>(
  cursor: string,
  sort: string,
  order: 'asc' | 'desc',
  valueSchema: z.ZodType<V>,
  idSchema: z.ZodType<I>,
): After<V, I> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) throw invalid();
  const { s, o, k, i } = parsed.data;
  if (s !== sort || o !== order) {
    throw new ApiError(
      400,
      'INPUT_INVALID',
      `invalid parameter "cursor": it was issued for sort=${s}&order=${o}; repeat that sort and order, or leave the cursor out to start again`,
      { parameter: 'cursor' },
    );
  }
  const value = valueSchema.safeParse(k);
  const id = idSchema.safeParse(i);
  if (!value.success || !id.success) throw invalid();
  return { value: value.data, id: id.data };
}

/** Cursor key schemas for the sort columns. */
export const keySchemas = {
  number: z.number(),
  nullableNumber: z.number().nullable(),
  day: daySchema,
  text: z
    .string()
    .max(200)
    .refine((s) => !hasControlCharacter(s)),
  id: dbIdSchema,
};

import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, keySchemas } from './cursor.js';
import { ApiError } from './respond.js';

describe('keyset cursors', () => {
  it('round-trip the sort key of the last row', () => {
    const cursor = encodeCursor({ sort: 'date', order: 'asc', value: '2018-11-05', id: 42 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'date', 'asc', keySchemas.day, keySchemas.id)).toEqual({ value: '2018-11-05', id: 42 });
    const unknownSaving = encodeCursor({ sort: 'savings', order: 'desc', value: null, id: 7 });
    expect(decodeCursor(unknownSaving, 'savings', 'desc', keySchemas.nullableNumber, keySchemas.id)).toEqual({
      value: null,
      id: 7,
    });
  });

  it('refuse a cursor of another sort or order, a malformed one and one with a mistyped key', () => {
    const cursor = encodeCursor({ sort: 'impact', order: 'desc', value: 120.5, id: 3 });
    const attempts = [
      () => decodeCursor(cursor, 'score', 'desc', keySchemas.number, keySchemas.id),
      () => decodeCursor(cursor, 'impact', 'asc', keySchemas.number, keySchemas.id),
      () => decodeCursor('%%%', 'impact', 'desc', keySchemas.number, keySchemas.id),
      () => decodeCursor(cursor, 'impact', 'desc', keySchemas.day, keySchemas.id),
      () =>
        decodeCursor(
          encodeCursor({ sort: 'impact', order: 'desc', value: 1, id: -1 }),
          'impact',
          'desc',
          keySchemas.number,
          keySchemas.id,
        ),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(ApiError);
      try {
        attempt();
      } catch (err) {
        expect(err).toMatchObject({ status: 400, code: 'INPUT_INVALID', parameter: 'cursor' });
      }
    }
  });
});

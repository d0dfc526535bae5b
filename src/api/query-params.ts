import { z } from 'zod';
import { hasControlCharacter, isCalendarDay, MAX_YEAR, MIN_YEAR } from '../ids.js';
import { ApiError } from './respond.js';

/**
 * Query-string parsing for the JSON API: every parameter is a string validated by zod, unknown
 * or repeated parameters are refused, and each problem names the parameter and what it allows.
 */

/** A single issue a parameter schema raises, with the message the client will read. */
function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** One or more of `values`, comma-separated (`severity=high,critical`); duplicates collapse. */
export function csvEnum<const T extends string>(values: readonly T[]) {
  return z.string().transform((s, ctx): T[] => {
    const parts = s.split(',').map((p) => p.trim());
    const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
    if (bad.length > 0)
      return fail(ctx, `expected one or more of ${values.join(', ')} separated by commas, got "${s}"`);
    return [...new Set(parts as T[])];
  });
}

/** Exactly one of `values`. */
export function oneOf<const T extends string>(values: readonly T[]) {
  return z.string().transform((s, ctx): T => {
    if (!(values as readonly string[]).includes(s))
      return fail(ctx, `expected one of ${values.join(', ')}, got "${s}"`);
    return s as T;
  });
}

/** A calendar date written YYYY-MM-DD (2018-02-30 and years PostgreSQL cannot store are refused). */
export const isoDate = z.string().transform((s, ctx): string => {
  if (!isCalendarDay(s))
    return fail(
      ctx,
      `expected a calendar date as YYYY-MM-DD in the years ${MIN_YEAR} to ${MAX_YEAR}, e.g. 2018-11-05, got "${s}"`,
    );
  return s;
});

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number) {
  return z.string().transform((s, ctx): number => {
    const n = /^\d{1,9}$/.test(s) ? Number(s) : NaN;
    if (!(n >= min && n <= max)) return fail(ctx, `expected a whole number from ${min} to ${max}, got "${s}"`);
    return n;
  });
}

/** A non-negative decimal such as 25 or 12.5 (US dollars). */
export const nonNegativeAmount = z.string().transform((s, ctx): number => {
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(s))
    return fail(ctx, `expected a non-negative amount in US dollars such as 25 or 12.5, got "${s}"`);
  return Number(s);
});

/** A 12-digit AWS account id. */
export const accountId = z.string().transform((s, ctx): string => {
  if (!/^\d{12}$/.test(s)) return fail(ctx, `expected a 12-digit AWS account id, got "${s}"`);
  return s;
});

/** A free-text value compared for equality (service name, region, scope), 1 to 200 characters. */
export const plainText = z.string().transform((s, ctx): string => {
  if (s.length === 0 || s.length > 200) return fail(ctx, 'expected 1 to 200 characters');
  if (hasControlCharacter(s)) return fail(ctx, 'expected text without control characters (such as NUL)');
  return s;
});

/** Page size: 1..200, default 50. */
export const limitParam = wholeNumber(1, 200)
  .optional()
  .transform((n) => n ?? 50);
export const orderParam = oneOf(['asc', 'desc'] as const)
  .optional()
  .transform((o) => o ?? 'desc');

/**
 * Parses `search` with `schema` (an object of the parameters above). Throws a 400 ApiError naming
 * the parameter on an unknown, repeated or invalid parameter.
 */
export function parseQuery<S extends z.ZodObject>(search: URLSearchParams, schema: S): z.output<S> {
  const allowed = Object.keys(schema.shape);
  const raw: Record<string, string> = {};
  for (const [key, value] of search) {
    if (!allowed.includes(key)) {
      const list = allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'this endpoint takes no parameters';
      throw new ApiError(400, 'INPUT_INVALID', `unknown parameter "${key}"; ${list}`, { parameter: key });
    }
    if (key in raw) {
      throw new ApiError(
        400,
        'INPUT_INVALID',
        `parameter "${key}" is given more than once; give it once (separate several values with commas)`,
        {
          parameter: key,
        },
      );
    }
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const parameter = String(first?.path[0] ?? '');
  const message = parsed.error.issues
    .map((i) => `invalid parameter "${String(i.path[0] ?? '')}": ${i.message}`)
    .join('; ');
  throw new ApiError(400, 'INPUT_INVALID', message, { parameter });
}

import { z } from 'zod';
import { dayToMs } from './days.js';

/**
 * The identifiers every payload, command, setting and API parameter accepts, defined once so that
 * the bot, the worker, the API and the command line agree on what is valid.
 */

/** An EC2 instance id: "i-" and 8 (older instances) or 17 lowercase hex digits, as EC2 issues them. */
export const INSTANCE_ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** An AWS region name such as us-east-1 or us-gov-west-1. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

export const instanceIdSchema = z.string().regex(INSTANCE_ID_PATTERN, 'an instance id such as i-0123456789abcdef0');
export const regionSchema = z.string().regex(REGION_PATTERN, 'an AWS region such as us-east-1');
/** The largest id a PostgreSQL `integer`/`serial` column holds; a larger one must never reach SQL. */
export const DB_INT_MAX = 2_147_483_647;
/** A database row id (serial): a whole number from 1 to DB_INT_MAX. */
export const dbIdSchema = z.number().int().min(1).max(DB_INT_MAX);

/** Parses a row id written as digits (button values, command arguments); undefined when not one. */
export function parseDbId(text: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(text)) return undefined;
  const id = Number(text);
  return id <= DB_INT_MAX ? id : undefined;
}

/** Years a day may name: PostgreSQL has no year 0, and nothing costbot reads predates 1970. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

/** True for a calendar day YYYY-MM-DD within MIN_YEAR..MAX_YEAR (2018-02-30 is refused, not rolled over). */
export function isCalendarDay(s: string): boolean {
  try {
    dayToMs(s);
  } catch {
    return false;
  }
  const year = Number(s.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/** A calendar day as YYYY-MM-DD (2018-02-30 is refused, not rolled over). */
export const daySchema = z.string().refine(isCalendarDay, {
  message: `a day as YYYY-MM-DD in the years ${MIN_YEAR} to ${MAX_YEAR}`,
});

/** True when `s` holds a NUL or another control character (PostgreSQL text refuses NUL). */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

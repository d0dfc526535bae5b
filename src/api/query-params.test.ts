import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './respond.js';
import { csvEnum, isoDate, limitParam, nonNegativeAmount, parseQuery, wholeNumber } from './query-params.js';

const schema = z.object({
  severity: csvEnum(['low', 'high'] as const).optional(),
  day: isoDate.optional(),
  limit: limitParam,
});

function parse(query: string) {
  return parseQuery(new URLSearchParams(query), schema);
}

function errorOf(query: string): ApiError {
  try {
    parse(query);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('parseQuery', () => {
  it('parses, trims and de-duplicates comma lists, and fills defaults', () => {
    expect(parse('severity=high, low,high&day=2018-11-05')).toEqual({
      severity: ['high', 'low'],
      day: '2018-11-05',
      limit: 50,
    });
    expect(parse('')).toEqual({ limit: 50 });
  });

  it('refuses unknown and repeated parameters, naming them and what is allowed', () => {
    expect(errorOf('sev=high')).toMatchObject({
      status: 400,
      parameter: 'sev',
      message: 'unknown parameter "sev"; allowed: severity, day, limit',
    });
    expect(errorOf('day=2018-11-05&day=2018-11-06').parameter).toBe('day');
  });

  it('reports every invalid parameter in one message and names the first', () => {
    const err = errorOf('severity=medium&limit=0');
    expect(err.parameter).toBe('severity');
    expect(err.message).toBe(
      'invalid parameter "severity": expected one or more of low, high separated by commas, got "medium"; ' +
        'invalid parameter "limit": expected a whole number from 1 to 200, got "0"',
    );
  });
});

describe('parameter schemas', () => {
  it('accepts only real calendar dates', () => {
    expect(isoDate.safeParse('2020-02-29').success).toBe(true);
    for (const bad of ['2019-02-29', '2018-13-01', '2018-1-5', '20181105', '2018-11-05T00:00:00Z']) {
      expect(isoDate.safeParse(bad).success).toBe(false);
    }
  });

  it('accepts whole numbers in range and plain decimal amounts only', () => {
    expect(wholeNumber(1, 200).safeParse('200').data).toBe(200);
    for (const bad of ['1.5', '-1', '1e2', ' 5', '0x10', ''])
      expect(wholeNumber(1, 200).safeParse(bad).success).toBe(false);
    expect(nonNegativeAmount.safeParse('12.5').data).toBe(12.5);
    for (const bad of ['-1', '1e3', 'NaN', 'Infinity', '.5'])
      expect(nonNegativeAmount.safeParse(bad).success).toBe(false);
  });
});

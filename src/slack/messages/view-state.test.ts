import { describe, expect, it } from 'vitest';
import {
  decodeAnomalyState,
  decodeRecommendationState,
  encodeAnomalyState,
  encodeRecommendationState,
  parseId,
} from './view-state.js';

describe('list state carried in control values', () => {
  it('round-trips, including a service name with the separator in it', () => {
    const s = {
      range: '90d' as const,
      minSeverity: 'high' as const,
      service: 'Amazon|Odd Name',
      sort: 'date' as const,
      page: 3,
    };
    expect(decodeAnomalyState(encodeAnomalyState(s))).toEqual(s);
    expect(() => decodeAnomalyState('a|30d||impact|0|EC2\u0000')).toThrow(/out of date/);
    expect(decodeAnomalyState(encodeAnomalyState({ range: '7d', sort: 'impact', page: 0 }))).toEqual({
      range: '7d',
      sort: 'impact',
      page: 0,
    });
    expect(decodeRecommendationState(encodeRecommendationState({ top: 30, page: 5 }))).toEqual({ top: 30, page: 5 });
  });

  it.each([
    '',
    'a|1y|high|impact|0|',
    'a|30d|urgent|impact|0|',
    'a|30d||impact|-1|',
    'a|30d||impact|1.5|',
    'r|30|0',
    `a|30d||impact|0|${'x'.repeat(101)}`,
  ])('rejects a forged anomaly state %s', (value) => {
    expect(() => decodeAnomalyState(value)).toThrow(/out of date/);
  });

  it('parses ids strictly', () => {
    expect(parseId('42', 'anomaly')).toBe(42);
    expect(parseId('2147483647', 'anomaly')).toBe(2147483647);
    // 2^31 and above overflow PostgreSQL's integer: refused here, never sent to SQL.
    for (const bad of [
      '0',
      '-1',
      '1.0',
      '1e3',
      ' 1',
      '1 or 1=1',
      '2147483648',
      '9999999999',
      '99999999999',
      '01',
      undefined,
    ])
      expect(() => parseId(bad, 'anomaly')).toThrow(/not valid/);
  });
});

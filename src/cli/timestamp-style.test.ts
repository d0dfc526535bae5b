import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../csv.js';
import { timestampFormatter } from './timestamp-style.js';

// Samples in the styles of the real data sets: NAB (naive date-time), bitbrains (epoch seconds), CUR days.
describe('timestampFormatter', () => {
  const cases: [string, string][] = [
    ['2014-02-14 14:27:00', '2014-02-14 14:32:00'],
    ['1372629804', '1372630104'],
    ['1372629804000', '1372630104000'],
    ['2018-12-31', '2019-01-01'],
    ['2018-12-31T23:55:00Z', '2019-01-01T00:00:00Z'],
    ['2018-12-31T23:55:00.000Z', '2019-01-01T00:00:00.000Z'],
    ['2018-12-31T23:55+01:00', '2019-01-01T00:00+01:00'],
    ['2018-12-31 23:55:00-0500', '2019-01-01 00:00:00-0500'],
  ];
  it.each(cases)('continues %s in its own style', (sample, next) => {
    const stepMs = sample === '2018-12-31' ? 86_400_000 : 5 * 60_000;
    const format = timestampFormatter(sample);
    expect(format(parseTimestamp(sample) + stepMs)).toBe(next);
    expect(parseTimestamp(next)).toBe(parseTimestamp(sample) + stepMs);
  });

  it('falls back to ISO 8601 for other styles', () => {
    expect(timestampFormatter('12/31/2018')(Date.UTC(2019, 0, 1))).toBe('2019-01-01T00:00:00.000Z');
  });
});

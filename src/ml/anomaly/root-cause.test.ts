import { describe, expect, it } from 'vitest';
import { readCurRows } from '../../../test/anomaly/fixtures.js';
import { baselineFromHistory, rankRootCauses } from './root-cause.js';

// CUR 2018, the 2018-11-01 spike against the mean of 2018-10-29..31. Expected figures computed in
// python from the fixture CSV: actual $299.19778, expected $149.51479, deviation +$149.68299;
// AmazonEC2 +$147.2697 (168.7141 vs 21.4444); usage type HeavyUsage:m5.large +$54.00, then
// c5.large +$37.44 and t2.micro +$27.00 (monthly RI fees); resource i-08607d9bc435cb38f +$1.6549.
describe('rankRootCauses on real CUR rows', async () => {
  const rows = await readCurRows('cur-2018-10-29-to-11-01-drilldown.csv');
  const anomalyRows = rows.filter((r) => r.day === '2018-11-01');
  const history = rows.filter((r) => r.day < '2018-11-01');
  const cause = rankRootCauses(anomalyRows, baselineFromHistory(history, 3, 1));

  it('measures the deviation against the baseline', () => {
    expect(cause.actualUsd).toBeCloseTo(299.1977829054, 6);
    expect(cause.expectedUsd).toBeCloseTo(149.5147902777, 6);
    expect(cause.deviationUsd).toBeCloseTo(149.6829926277, 6);
  });

  it('ranks services, usage types, accounts, regions and resources by dollar contribution', () => {
    const top = cause.contributors.service[0]!;
    expect(top).toMatchObject({ dimension: 'service', value: 'AmazonEC2' });
    expect(top.deltaUsd).toBeCloseTo(147.2697, 4);
    expect(top.share).toBeCloseTo(147.2697 / 149.683, 3);
    expect(cause.contributors.usage_type.slice(0, 3).map((c) => [c.value, Math.round(c.deltaUsd * 100) / 100])).toEqual(
      [
        ['HeavyUsage:m5.large', 54],
        ['HeavyUsage:c5.large', 37.44],
        ['HeavyUsage:t2.micro', 27],
      ],
    );
    expect(cause.contributors.account[0]!.value).toBe('836060457634');
    expect(cause.contributors.region[0]!.value).toBe('us-east-1');
    expect(cause.contributors.resource[0]!.value).toBe('i-08607d9bc435cb38f');
    expect(cause.contributors.resource[0]!.deltaUsd).toBeCloseTo(1.6549, 4);
  });

  it('measures against a given expected total, e.g. the detector expectation', () => {
    expect(rankRootCauses(anomalyRows, baselineFromHistory(history, 3, 1), 150).deviationUsd).toBeCloseTo(
      149.1977829054,
      6,
    );
  });
});

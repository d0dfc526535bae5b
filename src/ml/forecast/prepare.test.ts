import { beforeAll, describe, expect, it } from 'vitest';
import type { TimeSeries } from '../../csv.js';
import { InputError } from '../../errors.js';
import { curDailyByService, curDailyTotal, nabElbRequests } from '../../../test/forecast/fixtures.js';
import { chooseTransform, forward, inverse, prophetSeasonalities, seasonalPeriod, toGrid } from './prepare.js';

const DAY = 86_400_000;
let total: TimeSeries;

beforeAll(async () => {
  total = await curDailyTotal();
});

describe('toGrid', () => {
  it('lays a real gappy series (AWS Config days without line items) on a daily grid with NaN, not 0, in the gaps', async () => {
    const config = (await curDailyByService()).get('AWS Config')!;
    const grid = toGrid(config);
    expect(grid.stepMs).toBe(DAY);
    expect(grid.observed).toBe(config.times.length);
    expect(grid.times).toHaveLength((config.times.at(-1)! - config.times[0]!) / DAY + 1);
    const missing = grid.values.filter((v) => Number.isNaN(v)).length;
    expect(missing).toBe(grid.times.length - config.times.length);
    config.times.forEach((t, i) => expect(grid.values[(t - grid.times[0]!) / DAY]).toBe(config.values[i]));
  });

  it('detects a five-minute step on a real CloudWatch series whose rows start off the minute grid', async () => {
    const nab = await nabElbRequests();
    expect(toGrid(nab).stepMs).toBe(5 * 60_000);
  });

  it('sorts rows and keeps the last value of a repeated time', () => {
    const times = [...total.times].reverse();
    const values = [...total.values].reverse();
    const grid = toGrid({ times: [...times, total.times[3]!], values: [...values, 1234] });
    expect(grid.values.slice(0, 5)).toEqual([...total.values.slice(0, 3), 1234, total.values[4]]);
  });

  it('rejects spacings that are not whole steps', () => {
    const times = total.times.map((t, i) => (i === 50 ? t + 7_200_000 : t));
    expect(() => toGrid({ times, values: total.values })).toThrow(InputError);
    expect(() => toGrid({ times, values: total.values })).toThrow(/row 51 .* is not a whole number of steps/);
  });
});

describe('series settings', () => {
  it('picks the weekly period for daily steps and the daily one for sub-daily steps', () => {
    expect(seasonalPeriod(DAY, undefined)).toBe(7);
    expect(seasonalPeriod(3_600_000, undefined)).toBe(24);
    expect(seasonalPeriod(7 * DAY, undefined)).toBe(1);
    expect(seasonalPeriod(DAY, 30)).toBe(30);
    expect(() => seasonalPeriod(DAY, 0)).toThrow(InputError);
  });

  it('gives Prophet weekly seasonality on 92 days of cost, yearly only from two years', () => {
    const grid = toGrid(total);
    expect(prophetSeasonalities(grid, 7).map((s) => s.name)).toEqual(['weekly']);
    const twoYears = { ...grid, times: Array.from({ length: 731 }, (_, i) => grid.times[0]! + i * DAY) };
    expect(prophetSeasonalities(twoYears, 7).map((s) => s.name)).toEqual(['weekly', 'yearly']);
  });

  it('models non-negative series in log space and maps back exactly', () => {
    const t = chooseTransform(total.values);
    expect(t.kind).toBe('log');
    for (const v of total.values.slice(0, 10)) expect(inverse(t, forward(t, v))).toBeCloseTo(v, 9);
    expect(chooseTransform([...total.values, -1]).kind).toBe('identity');
  });
});

import { describe, expect, it } from 'vitest';
import { demandVcpu } from '../support/bitbrains.js';
import { HOURS_PER_MONTH } from '../../src/catalog/types.js';
import { toUtilizationSeries } from '../../src/cli/utilization-csv.js';
import { rightsizeSeries } from '../../src/cli/rightsize.js';
import { InputError } from '../../src/errors.js';
import { mean } from '../../src/ml/percentile.js';
import { recommendRightSize } from '../../src/ml/rightsize/recommend.js';
import type { RightSizeResult, RightSizeOptions, UtilizationSamples } from '../../src/ml/rightsize/types.js';
import { catalog, csvPrice, reported, spec, TRACES, traceRows } from './traces.js';

// The fixtures hold 60 h of 5-minute rows, so the lookback is 3 days rather than the default 14.
const LOOKBACK: Partial<RightSizeOptions> = { lookbackDays: 3 };

function recommend(
  samples: UtilizationSamples,
  currentType: string,
  options: Partial<RightSizeOptions> = LOOKBACK,
): RightSizeResult {
  return rightsizeSeries(toUtilizationSeries(samples, 'fixture'), currentType, catalog, 'us-east-1', options);
}

/** Monthly cost as the user would work it out: the catalog file's hourly price x 730. */
const monthly = (type: string): number => Math.round(csvPrice(type) * HOURS_PER_MONTH * 100) / 100;

describe('right-sizing real Bitbrains VMs (as an m5.large would report them)', () => {
  it('idle VM 2: idle, stop suggested with the evidence, and a cheap type if it is kept', () => {
    const rec = recommend(reported('idle', 'm5.large', { network: true }), 'm5.large');
    expect(rec.finding).toBe('idle');
    expect(rec.stopSuggested).toBe(true);
    expect(rec.evidence.cpuPeakPercent).toBeLessThan(5);
    expect(rec.evidence.networkMbPerDay).toBeLessThan(5);
    expect(rec.reasoning).toMatch(/^Idle: CPU peak .* MB\/day; consider stopping it/);
    // Stopping saves the whole current cost: m5.large's catalog price x 730.
    expect(rec.currentMonthlyUsd).toBe(monthly('m5.large'));
    expect(rec.reasoning).toContain(`saves $${monthly('m5.large').toFixed(2)}/month`);
    expect(spec(rec.recommendedType).memoryMib / 1024).toBeGreaterThanOrEqual(rec.evidence.memoryPeakGib! * 1.2);
    expect(rec.recommendedMonthlyUsd).toBe(monthly(rec.recommendedType));
    expect(rec.recommendedMonthlyUsd!).toBeLessThan(rec.currentMonthlyUsd!);
  });

  it('busy VM 9 (a steady quarter of a core): over-provisioned, to a burstable type whose baseline carries its average', () => {
    const rec = recommend(reported('busy', 'm5.large'), 'm5.large');
    expect(rec.finding).toBe('over-provisioned');
    const target = spec(rec.recommendedType);
    const averageVcpu = mean(traceRows('busy').map(demandVcpu));
    expect(averageVcpu).toBeGreaterThan(0.2); // busy all the time, not idle
    if (target.burstable)
      expect((target.baselineCpuPercent! / 100) * target.vcpu).toBeGreaterThanOrEqual(averageVcpu * 1.2);
    // Hand check of the money: monthly = hourly x 730, savings = the difference.
    expect(rec.currentMonthlyUsd).toBe(monthly('m5.large'));
    expect(rec.recommendedMonthlyUsd).toBe(monthly(rec.recommendedType));
    expect(rec.monthlySavingsUsd).toBeCloseTo(monthly('m5.large') - monthly(rec.recommendedType), 2);
    expect(rec.savingsPercent).toBeCloseTo((rec.monthlySavingsUsd! / rec.currentMonthlyUsd!) * 100, 1);
    expect(rec.reasoning).toContain(`saves $${rec.monthlySavingsUsd!.toFixed(2)}/month`);
  });

  it('busy VM 9 on a t3a.micro without memory data: under-provisioned, its average is over the 10 % baseline', () => {
    const current = spec('t3a.micro');
    expect(mean(traceRows('busy').map(demandVcpu))).toBeGreaterThan((current.baselineCpuPercent! / 100) * current.vcpu);
    const rec = recommend(reported('busy', 't3a.micro', { memory: false }), 't3a.micro');
    expect(rec.finding).toBe('under-provisioned');
    expect(rec.reasoning).toContain('t3a.micro falls short: average above its 10 % baseline');
    expect(rec.recommendedMonthlyUsd!).toBeGreaterThan(rec.currentMonthlyUsd!);
    // Memory unknown: never shrunk, said, and confidence lower than with memory.
    expect(spec(rec.recommendedType).memoryMib).toBeGreaterThanOrEqual(current.memoryMib);
    expect(rec.evidence.memoryKnown).toBe(false);
    expect(rec.reasoning).toContain('memory not reported');
    const withMemory = recommend(reported('busy', 't3a.micro'), 't3a.micro');
    expect(rec.confidence).toBeLessThan(withMemory.confidence);
  });

  it('spiky VM 4 (bursts to 95 % of its core): keeps 2 vCPUs for the bursts and flags the credit risk', () => {
    const rows = traceRows('spiky');
    expect(Math.max(...rows.map(demandVcpu))).toBeGreaterThan(0.9);
    const rec = recommend(reported('spiky', 'm5.large'), 'm5.large');
    expect(rec.finding).toBe('over-provisioned');
    const target = spec(rec.recommendedType);
    expect(target.vcpu).toBeGreaterThanOrEqual(0.95 * 1.2);
    expect(rec.risk).not.toBe('low');
    if (target.burstable) expect(rec.reasoning).toContain('peaks above it run on CPU credits');
  });

  it('re-running on the recommended type finds it optimized', () => {
    for (const kind of Object.keys(TRACES) as (keyof typeof TRACES)[]) {
      const first = recommend(reported(kind, 'm5.large'), 'm5.large');
      const again = recommend(reported(kind, first.recommendedType), first.recommendedType);
      expect([kind, again.recommendedType]).toEqual([kind, first.recommendedType]);
      expect(['optimized', 'idle']).toContain(again.finding);
    }
  });

  it('offers the Graviton option separately, marked as needing an AMI change', () => {
    const rec = recommend(reported('busy', 'm5.large'), 'm5.large');
    const [alt] = rec.alternatives;
    expect(alt).toBeDefined();
    expect(spec(alt!.instanceType).arch).toBe('arm64');
    expect(spec(rec.recommendedType).arch).toBe('x86_64');
    expect(alt!.requiresAmiChange).toBe(true);
    expect(alt!.monthlyUsd).toBe(monthly(alt!.instanceType));
    expect(alt!.monthlyUsd).toBeLessThan(rec.recommendedMonthlyUsd!);
  });
});

describe('right-sizing when data or prices are missing', () => {
  it('reports insufficient-data under 30 hours and keeps the current type', () => {
    const all = reported('busy', 'm5.large');
    const cut = {
      times: all.times.slice(0, 300),
      cpuPercent: all.cpuPercent.slice(0, 300),
      memPercent: all.memPercent!.slice(0, 300),
    };
    const rec = recommend(cut, 'm5.large');
    expect(rec.finding).toBe('insufficient-data');
    expect(rec.recommendedType).toBe('m5.large');
    expect(rec.reasoning).toMatch(/^Only 25 h of CPU data .*\(at least 30 h needed\)/);
    expect(rec.confidence).toBeLessThanOrEqual(0.2);
  });

  it('cannot recommend without a price for the current type, and says so instead of estimating', () => {
    const series = toUtilizationSeries(reported('busy', 'm5.large'), 'fixture');
    const rec = rightsizeSeries(series, 'm5.large', catalog, 'eu-west-1', LOOKBACK);
    expect(rec.finding).toBe('insufficient-data');
    expect(rec.recommendedType).toBe('m5.large');
    expect(rec.currentMonthlyUsd).toBeNull();
    expect(rec.monthlySavingsUsd).toBeNull();
    expect(rec.cannotRecommend).toMatch(/no on-demand Linux price for m5\.large in eu-west-1/);
    expect(rec.reasoning).toBe(rec.cannotRecommend);
  });

  it('names a fitting candidate that has no price rather than guessing it', () => {
    const first = recommend(reported('busy', 'm5.large'), 'm5.large');
    const withoutPrice = { ...catalog, prices: catalog.prices.filter((p) => p.instanceType !== first.recommendedType) };
    const series = toUtilizationSeries(reported('busy', 'm5.large'), 'fixture');
    const rec = rightsizeSeries(series, 'm5.large', withoutPrice, 'us-east-1', LOOKBACK);
    expect(rec.recommendedType).not.toBe(first.recommendedType);
    expect(rec.evidence.unpricedCandidates).toContain(first.recommendedType);
    expect(rec.reasoning).toContain(`${first.recommendedType} would also fit but has no Linux price in us-east-1`);
  });
});

describe('right-sizing bad input', () => {
  const samples = reported('busy', 'm5.large');
  const input = {
    currentType: 'm5.large',
    region: 'us-east-1',
    platform: 'Linux',
    samples,
    periodSeconds: 300,
    catalog: catalog.instanceTypes,
    prices: catalog.prices,
    now: samples.times.at(-1)! + 300_000,
  };

  it('rejects an instance type that is not in the catalog, listing the family', () => {
    expect(() => recommendRightSize({ ...input, currentType: 'm5.larg' })).toThrow(InputError);
    expect(() => recommendRightSize({ ...input, currentType: 'm5.larg' })).toThrow(
      /"m5\.larg" is not in the catalog.*m5\.large/,
    );
  });

  it('rejects empty metrics', () => {
    expect(() => recommendRightSize({ ...input, samples: { times: [], cpuPercent: [] } })).toThrow(
      /no utilization samples/,
    );
  });

  it.each([
    [
      'negative CPU',
      { cpuPercent: samples.cpuPercent.map((v, i) => (i === 5 ? -1 : v)) },
      /CPU utilization -1 % is outside 0\.\.100/,
    ],
    ['CPU over 100 %', { cpuPercent: samples.cpuPercent.map((v, i) => (i === 5 ? 130 : v)) }, /CPU utilization 130 %/],
    [
      'memory over 100 %',
      { memPercent: samples.memPercent!.map((v, i) => (i === 7 ? 101 : v)) },
      /memory utilization 101 %/,
    ],
  ])('rejects %s with the sample and its time', (_name, patch, message) => {
    expect(() => recommendRightSize({ ...input, samples: { ...samples, ...patch } })).toThrow(message);
  });

  it('rejects options out of range', () => {
    expect(() => recommendRightSize(input, { percentile: 97 as never })).toThrow(
      /percentile must be one of 90, 95, 99, 99\.5/,
    );
    expect(() => recommendRightSize(input, { lookbackDays: 94 })).toThrow(/1 to 93/);
  });
});

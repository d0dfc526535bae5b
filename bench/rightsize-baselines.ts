import type { InstanceTypeSpec } from '../src/catalog/types.js';
import { mean, percentile } from '../src/ml/percentile.js';
import { type BitbrainsRow, demandVcpu } from '../test/support/bitbrains.js';

/** A sizing rule: the type to run for the next window, from the training window's rows. */
export type SizingRule = (train: readonly BitbrainsRow[], current: InstanceTypeSpec) => InstanceTypeSpec;

const gibUsed = (rows: readonly BitbrainsRow[]): number => Math.max(...rows.map((r) => r.memUsedKb)) / 1024 / 1024;

/**
 * Compute-Optimizer-like: P99.5 of CPU with 20 % headroom, memory peak with 20 %, the cheapest
 * current-generation x86_64 type that fits (no GPU or accelerator, no bare metal), burstable only
 * when the average demand stays under its baseline.
 */
export function computeOptimizerLike(
  catalog: readonly InstanceTypeSpec[],
  priceOf: ReadonlyMap<string, number>,
): SizingRule {
  const pool = catalog
    .filter(
      (s) =>
        s.currentGeneration &&
        s.arch === 'x86_64' &&
        s.gpuCount === 0 &&
        !/^(p|g|gr|inf|trn|dl|f|vt)\d/.test(s.family) &&
        !s.instanceType.includes('metal') &&
        priceOf.has(s.instanceType),
    )
    .sort((a, b) => priceOf.get(a.instanceType)! - priceOf.get(b.instanceType)!);
  return (train, current) => {
    const demand = train.map(demandVcpu);
    const cpuNeed = percentile(demand, 99.5) * 1.2;
    const memNeed = gibUsed(train) * 1.2;
    const avg = mean(demand);
    const fit = pool.find(
      (s) =>
        s.vcpu >= cpuNeed &&
        s.memoryMib / 1024 >= memNeed &&
        (!s.burstable || (s.baselineCpuPercent !== null && avg < (s.baselineCpuPercent / 100) * s.vcpu)),
    );
    return fit ?? current;
  };
}

/** The next size down in the same family, or null when `current` is the smallest. */
export function nextSmallerInFamily(
  catalog: readonly InstanceTypeSpec[],
  current: InstanceTypeSpec,
): InstanceTypeSpec | null {
  const smaller = catalog
    .filter(
      (s) =>
        s.family === current.family &&
        !s.instanceType.includes('metal') &&
        (s.vcpu < current.vcpu || (s.vcpu === current.vcpu && s.memoryMib < current.memoryMib)),
    )
    .sort((a, b) => b.vcpu - a.vcpu || b.memoryMib - a.memoryMib);
  return smaller[0] ?? null;
}

/** Flowpipe thrifty: average CPU under 20 % of the current type means the next smaller size of its family. */
export function flowpipeThrifty(catalog: readonly InstanceTypeSpec[]): SizingRule {
  return (train, current) => {
    const avgPercent = (mean(train.map(demandVcpu)) / current.vcpu) * 100;
    return avgPercent < 20 ? (nextSmallerInFamily(catalog, current) ?? current) : current;
  };
}

export const noChange: SizingRule = (_train, current) => current;

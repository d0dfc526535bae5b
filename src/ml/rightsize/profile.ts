import { InputError } from '../../errors.js';
import { mean, percentile, percentileOfSorted } from '../percentile.js';
import type { UtilizationSamples } from './types.js';

const MIB_PER_GIB = 1024;

/** What the lookback window says about one instance's use of its current type. */
export interface WorkloadProfile {
  samples: number;
  dataHours: number;
  /** Share of the window's periods with a CPU sample, 0..1. */
  coverage: number;
  /** vCPUs in use in each period of the window (CPU % x current vCPUs), in time order. */
  cpuCores: number[];
  cpuPercentilePercent: number;
  cpuPeakPercent: number;
  cpuMeanPercent: number;
  cpuPercentileCores: number;
  cpuPeakCores: number;
  cpuMeanCores: number;
  /** 0..1: how closely the CPU percentile of the window's two halves agree. */
  stability: number;
  /** Null when memory is not reported for at least `minDataHours`. */
  memoryPeakGib: number | null;
  memoryHours: number;
  /** Null when network is not reported for at least `minDataHours`. */
  network: { inPercentileMbps: number; outPercentileMbps: number; mbPerDay: number } | null;
}

export interface ProfileParams {
  periodSeconds: number;
  now: number;
  lookbackDays: number;
  percentile: number;
  minDataHours: number;
  currentVcpu: number;
  currentMemoryMib: number;
}

function at(times: readonly number[], i: number): string {
  const t = times[i]!;
  return Number.isFinite(t) ? new Date(t).toISOString() : String(t);
}

/** Rejects what no instance can report: misaligned arrays, unordered times, out-of-range values. */
export function validateSamples(s: UtilizationSamples): void {
  const n = s.times.length;
  const optional = { memPercent: s.memPercent, networkInBytes: s.networkInBytes, networkOutBytes: s.networkOutBytes };
  if (s.cpuPercent.length !== n) throw new InputError(`cpuPercent has ${s.cpuPercent.length} values for ${n} times`);
  for (const [name, values] of Object.entries(optional)) {
    if (values && values.length !== n) throw new InputError(`${name} has ${values.length} values for ${n} times`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(s.times[i]!))
      throw new InputError(`sample ${i}: time ${String(s.times[i])} is not a timestamp`);
    if (i > 0 && s.times[i]! <= s.times[i - 1]!) {
      throw new InputError(
        `sample ${i} (${at(s.times, i)}): times must be strictly increasing; sort and de-duplicate the data`,
      );
    }
    const cpu = s.cpuPercent[i]!;
    if (!Number.isFinite(cpu) || cpu < 0 || cpu > 100) {
      throw new InputError(`sample ${i} (${at(s.times, i)}): CPU utilization ${cpu} % is outside 0..100`);
    }
    const mem = s.memPercent?.[i];
    if (mem !== undefined && mem !== null && (!Number.isFinite(mem) || mem < 0 || mem > 100)) {
      throw new InputError(`sample ${i} (${at(s.times, i)}): memory utilization ${mem} % is outside 0..100`);
    }
    for (const [name, values] of [
      ['network in', s.networkInBytes],
      ['network out', s.networkOutBytes],
    ] as const) {
      const v = values?.[i];
      if (v !== undefined && v !== null && (!Number.isFinite(v) || v < 0)) {
        throw new InputError(`sample ${i} (${at(s.times, i)}): ${name} ${v} bytes is negative or not a number`);
      }
    }
  }
}

function stabilityOf(cpuPercent: readonly number[], p: number): number {
  const half = Math.floor(cpuPercent.length / 2);
  // One percent of the instance as a floor, so two near-zero halves count as stable.
  const a = percentile(cpuPercent.slice(0, half), p) + 1;
  const b = percentile(cpuPercent.slice(half), p) + 1;
  return Math.min(a, b) / Math.max(a, b);
}

function present(values: readonly (number | null)[] | undefined, index: readonly number[]): number[] {
  if (!values) return [];
  return index.map((i) => values[i]).filter((v): v is number => v !== null && v !== undefined);
}

function networkOf(s: UtilizationSamples, index: readonly number[], params: ProfileParams): WorkloadProfile['network'] {
  const inBytes = present(s.networkInBytes, index);
  const outBytes = present(s.networkOutBytes, index);
  const hours = (Math.min(inBytes.length, outBytes.length) * params.periodSeconds) / 3600;
  if (hours < params.minDataHours) return null;
  const toMbps = (bytes: number): number => (bytes * 8) / params.periodSeconds / 1e6;
  const totalMb =
    (inBytes.reduce((a, b) => a + b, 0) / inBytes.length + outBytes.reduce((a, b) => a + b, 0) / outBytes.length) / 1e6;
  return {
    inPercentileMbps: toMbps(percentile(inBytes, params.percentile)),
    outPercentileMbps: toMbps(percentile(outBytes, params.percentile)),
    mbPerDay: totalMb * (86400 / params.periodSeconds),
  };
}

/** Profiles the samples in [now - lookbackDays, now). Call `validateSamples` first. */
export function profileWorkload(s: UtilizationSamples, params: ProfileParams): WorkloadProfile {
  const start = params.now - params.lookbackDays * 86_400_000;
  const index: number[] = [];
  s.times.forEach((t, i) => {
    if (t >= start && t < params.now) index.push(i);
  });
  const cpuPercent = index.map((i) => s.cpuPercent[i]!);
  const sorted = [...cpuPercent].sort((a, b) => a - b);
  const cpuPercentilePercent = percentileOfSorted(sorted, params.percentile);
  const cpuPeakPercent = sorted[sorted.length - 1] ?? Number.NaN;
  const cpuMeanPercent = mean(cpuPercent);
  const toCores = (pct: number): number => (pct / 100) * params.currentVcpu;
  const memory = present(s.memPercent, index);
  const memoryHours = (memory.length * params.periodSeconds) / 3600;
  const windowPeriods = (params.lookbackDays * 86400) / params.periodSeconds;
  return {
    samples: index.length,
    dataHours: (index.length * params.periodSeconds) / 3600,
    coverage: Math.min(1, index.length / windowPeriods),
    cpuCores: cpuPercent.map(toCores),
    cpuPercentilePercent,
    cpuPeakPercent,
    cpuMeanPercent,
    cpuPercentileCores: toCores(cpuPercentilePercent),
    cpuPeakCores: toCores(cpuPeakPercent),
    cpuMeanCores: toCores(cpuMeanPercent),
    stability: index.length >= 2 ? stabilityOf(cpuPercent, params.percentile) : 0,
    memoryPeakGib:
      memoryHours >= params.minDataHours
        ? (memory.reduce((a, b) => Math.max(a, b), 0) / 100) * (params.currentMemoryMib / MIB_PER_GIB)
        : null,
    memoryHours,
    network: networkOf(s, index, params),
  };
}

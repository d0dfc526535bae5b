import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstanceTypeSpec } from '../../src/catalog/types.js';
import type { UtilizationSamples } from '../../src/ml/rightsize/types.js';

/**
 * One 5-minute row of the Bitbrains GWA-T-12 "Rnd" trace (../shared/data/bitbrains/<month>/<vm>.csv,
 * semicolon + tab separated; see ../shared/data/README.md for source and license).
 */
export interface BitbrainsRow {
  /** Epoch ms. */
  time: number;
  cores: number;
  provisionedMhz: number;
  usedMhz: number;
  memProvisionedKb: number;
  memUsedKb: number;
  netInKbPerS: number;
  netOutKbPerS: number;
}

export function parseBitbrainsCsv(text: string, source: string): BitbrainsRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(';').map((h) => h.trim()) ?? [];
  if (header[0] !== 'Timestamp [ms]' || header.length !== 11)
    throw new Error(`${source}: not a Bitbrains GWA-T-12 file`);
  return lines.slice(1).map((line, i) => {
    const f = line.split(';').map((x) => Number(x.trim()));
    if (f.length !== 11 || f.some((x) => !Number.isFinite(x))) throw new Error(`${source}: line ${i + 2} is malformed`);
    // The column says [ms] but the values are epoch seconds (1372629804 is 2013-06-30T22:03:24Z).
    return {
      time: f[0]! * 1000,
      cores: f[1]!,
      provisionedMhz: f[2]!,
      usedMhz: f[3]!,
      memProvisionedKb: f[5]!,
      memUsedKb: f[6]!,
      netInKbPerS: f[9]!,
      netOutKbPerS: f[10]!,
    };
  });
}

/** The month folders ("2013-7", ...) in time order, and the VM files present in every one of them. */
export async function listBitbrains(dir: string): Promise<{ months: string[]; vms: string[] }> {
  const monthIndex = (m: string): number => {
    const [year, month] = m.split('-').map(Number);
    return year! * 12 + month!;
  };
  const months = (await readdir(dir))
    .filter((m) => /^\d{4}-\d{1,2}$/.test(m))
    .sort((a, b) => monthIndex(a) - monthIndex(b));
  const perMonth = await Promise.all(
    months.map(async (m) => new Set((await readdir(join(dir, m))).filter((f) => f.endsWith('.csv')))),
  );
  const vms = [...(perMonth[0] ?? [])]
    .filter((f) => perMonth.every((set) => set.has(f)))
    .map((f) => f.replace(/\.csv$/, ''))
    .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  return { months, vms };
}

/**
 * The months of one VM (same file name = same VM), concatenated in time order. Rows without a
 * provisioned capacity (0 cores, MHz or KB) carry no usable figure and are left out.
 */
export async function readBitbrainsVm(dir: string, months: readonly string[], vm: string): Promise<BitbrainsRow[]> {
  const perMonth = await Promise.all(
    months.map(async (m) => {
      const path = join(dir, m, `${vm}.csv`);
      return parseBitbrainsCsv(await readFile(path, 'utf8'), path);
    }),
  );
  const rows = perMonth
    .flat()
    .filter((r) => r.cores > 0 && r.provisionedMhz > 0 && r.memProvisionedKb > 0)
    .sort((a, b) => a.time - b.time);
  return rows.filter((r, i) => i === 0 || r.time > rows[i - 1]!.time);
}

/**
 * vCPUs the VM keeps busy: used MHz over the MHz of one provisioned core. One Bitbrains core
 * (2.6-2.9 GHz hosts) is taken as one EC2 vCPU; clock-speed differences are not modelled.
 */
export function demandVcpu(row: BitbrainsRow): number {
  return row.usedMhz / (row.provisionedMhz / row.cores);
}

/**
 * What CloudWatch would report for the VM running on `spec`: CPUUtilization as the share of the
 * type's vCPUs it keeps busy, and the agent's mem_used_percent as used KB over the type's memory
 * (both capped at 100, as a real instance cannot report more), network as bytes per period
 * (the trace's KB are KiB, as its memory column shows: 8388608 KB is 8 GiB).
 */
export function asReportedBy(
  rows: readonly BitbrainsRow[],
  spec: InstanceTypeSpec,
  periodSeconds = 300,
): UtilizationSamples {
  const memKb = spec.memoryMib * 1024;
  return {
    times: rows.map((r) => r.time),
    cpuPercent: rows.map((r) => Math.min(100, (demandVcpu(r) / spec.vcpu) * 100)),
    memPercent: rows.map((r) => Math.min(100, (r.memUsedKb / memKb) * 100)),
    networkInBytes: rows.map((r) => r.netInKbPerS * 1024 * periodSeconds),
    networkOutBytes: rows.map((r) => r.netOutKbPerS * 1024 * periodSeconds),
  };
}

/** The smallest type of `family` (fewest vCPUs, then least memory) covering the VM's provisioned cores and memory; null if none does. */
export function smallestCovering(
  catalog: readonly InstanceTypeSpec[],
  family: string,
  rows: readonly BitbrainsRow[],
): InstanceTypeSpec | null {
  const cores = rows.reduce((m, r) => Math.max(m, r.cores), 0);
  const memKb = rows.reduce((m, r) => Math.max(m, r.memProvisionedKb), 0);
  const fits = catalog
    .filter(
      (s) => s.family === family && !s.instanceType.includes('metal') && s.vcpu >= cores && s.memoryMib * 1024 >= memKb,
    )
    .sort((a, b) => a.vcpu - b.vcpu || a.memoryMib - b.memoryMib);
  return fits[0] ?? null;
}

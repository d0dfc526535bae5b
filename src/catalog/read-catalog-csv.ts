import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { InstancePrice, InstanceTypeSpec } from './types.js';
import { parseCsv, requireColumns } from '../csv.js';
import { InputError } from '../errors.js';
import { burstableBaselinePercent, isBurstableFamily } from './burstable-baselines.js';
import { isCurrentGenerationFamily } from './previous-generation.js';
import { PLATFORMS, platformOfSlug, type Platform } from './platform.js';

/**
 * The catalog's spec columns; each price column is `ondemand_<platform>_usd_per_hour_<region>`, the
 * platform one of src/catalog/platform.ts's slugs (linux, windows, rhel, suse, ...).
 */
export const CATALOG_COLUMNS = [
  'instance_type',
  'family',
  'vcpu',
  'memory_mib',
  'network_bandwidth_mbps',
  'ebs_bandwidth_mbps',
  'arch',
  'gpu_count',
] as const;

const PRICE_COLUMN = /^ondemand_([a-z_]+?)_usd_per_hour_([a-z0-9_]+)$/;

export interface Catalog {
  instanceTypes: InstanceTypeSpec[];
  /** One row per type and region with a price; a blank price cell gives no row (never estimated). */
  prices: InstancePrice[];
  /** Regions read from the price column names, e.g. ["us-east-1"]. */
  regions: string[];
  /** Platforms with a price column, e.g. ["Linux", "Windows"]. */
  platforms: string[];
  /** Types listed without vCPU, memory or architecture: left out, since they cannot be sized. */
  incompleteTypes: string[];
}

/**
 * "ondemand_windows_usd_per_hour_us_east_1" -> Windows in us-east-1; null for any other column.
 * A price column of a platform costbot does not know is an error, not a column to skip silently.
 */
export function priceColumnOf(column: string, source: string): { region: string; platform: Platform } | null {
  const m = PRICE_COLUMN.exec(column);
  if (!m) return null;
  const region = m[2]!.replace(/_/g, '-');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return null;
  const platform = platformOfSlug(m[1]!);
  if (!platform) {
    throw new InputError(
      `${source}: price column "${column}" names platform "${m[1]}"; known: ${PLATFORMS.map((p) => p.slug).join(', ')}`,
    );
  }
  return { region, platform };
}

function parseArch(text: string, where: string): InstanceTypeSpec['arch'] {
  // Karpenter's data spells x86_64 the Kubernetes way, "amd64".
  if (text === 'amd64' || text === 'x86_64') return 'x86_64';
  if (text === 'arm64') return 'arm64';
  throw new InputError(`${where}: arch "${text}" is neither amd64/x86_64 nor arm64`);
}

function parseNumber(text: string, column: string, where: string, options: { optional: boolean }): number | null {
  const t = text.trim();
  if (t === '') {
    if (options.optional) return null;
    throw new InputError(`${where}: ${column} is empty`);
  }
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) throw new InputError(`${where}: ${column} "${t}" is not a non-negative number`);
  return n;
}

function parseSpec(row: string[], col: Record<string, number>, where: string): InstanceTypeSpec {
  const cell = (name: string): string => row[col[name]!]!.trim();
  const instanceType = cell('instance_type');
  const family = cell('family');
  if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType) || !instanceType.startsWith(`${family}.`)) {
    throw new InputError(`${where}: instance_type "${instanceType}" is not "<family>.<size>" with family "${family}"`);
  }
  const vcpu = parseNumber(cell('vcpu'), 'vcpu', where, { optional: false })!;
  const memoryMib = parseNumber(cell('memory_mib'), 'memory_mib', where, { optional: false })!;
  if (!Number.isInteger(vcpu) || vcpu < 1) throw new InputError(`${where}: vcpu must be a whole number >= 1`);
  if (memoryMib <= 0) throw new InputError(`${where}: memory_mib must be > 0`);
  const burstable = isBurstableFamily(family);
  return {
    instanceType,
    family,
    vcpu,
    memoryMib,
    networkBandwidthMbps: parseNumber(cell('network_bandwidth_mbps'), 'network_bandwidth_mbps', where, {
      optional: true,
    }),
    ebsBandwidthMbps: parseNumber(cell('ebs_bandwidth_mbps'), 'ebs_bandwidth_mbps', where, { optional: true }),
    arch: parseArch(cell('arch'), where),
    burstable,
    baselineCpuPercent: burstable ? burstableBaselinePercent(instanceType) : null,
    currentGeneration: isCurrentGenerationFamily(family),
    gpuCount: parseNumber(cell('gpu_count'), 'gpu_count', where, { optional: true }) ?? 0,
  };
}

/**
 * Parses catalog CSV text (the columns of ../shared/data/pricing/ec2-us-east-1-2026-07.csv).
 * `source` names the file in messages and in `InstancePrice.source`.
 */
export function parseCatalogCsv(text: string, source: string, fetchedAt: Date): Catalog {
  const table = parseCsv(text, source);
  const col = requireColumns(table, source, [...CATALOG_COLUMNS]);
  const priceColumns = table.header.flatMap((name, index) => {
    const c = priceColumnOf(name, source);
    return c ? [{ index, ...c }] : [];
  });
  if (priceColumns.length === 0) {
    throw new InputError(
      `${source}: no price column; expected one named ondemand_<platform>_usd_per_hour_<region> such as ondemand_linux_usd_per_hour_us_east_1`,
    );
  }
  if (table.rows.length === 0) throw new InputError(`${source}: no instance types after the header`);
  const seen = new Set<string>();
  const instanceTypes: InstanceTypeSpec[] = [];
  const prices: InstancePrice[] = [];
  const incompleteTypes: string[] = [];
  table.rows.forEach((row, i) => {
    const where = `${source}: line ${i + 2}`;
    if (['vcpu', 'memory_mib', 'arch'].some((c) => row[col[c]!]!.trim() === '')) {
      incompleteTypes.push(row[col['instance_type']!]!.trim());
      return;
    }
    const spec = parseSpec(row, col, where);
    if (seen.has(spec.instanceType)) throw new InputError(`${where}: ${spec.instanceType} appears twice`);
    seen.add(spec.instanceType);
    instanceTypes.push(spec);
    for (const { index, region, platform } of priceColumns) {
      const usdPerHour = parseNumber(row[index]!, table.header[index]!, where, { optional: true });
      if (usdPerHour === null) continue;
      if (usdPerHour === 0)
        throw new InputError(`${where}: a price of 0 is not an on-demand price; leave the cell empty when unknown`);
      prices.push({
        instanceType: spec.instanceType,
        region,
        platform: platform.name,
        tenancy: 'shared',
        usdPerHour,
        source: `catalog:${basename(source)}`,
        fetchedAt,
      });
    }
  });
  const unique = (xs: string[]): string[] => [...new Set(xs)];
  return {
    instanceTypes,
    prices,
    regions: unique(priceColumns.map((c) => c.region)),
    platforms: unique(priceColumns.map((c) => c.platform.name)),
    incompleteTypes,
  };
}

/** Reads a catalog file; its modification time stands for when the prices were fetched. */
export async function readCatalogCsv(path: string): Promise<Catalog> {
  let text: string;
  let modified: Date;
  try {
    [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtime)]);
  } catch (err) {
    throw new InputError(`${path}: cannot read the catalog (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  return parseCatalogCsv(text, path, modified);
}

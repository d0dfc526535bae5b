import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { asReportedBy, type BitbrainsRow, parseBitbrainsCsv } from '../support/bitbrains.js';
import type { InstanceTypeSpec } from '../../src/catalog/types.js';
import { type Catalog, parseCatalogCsv } from '../../src/catalog/read-catalog-csv.js';
import type { UtilizationSamples } from '../../src/ml/rightsize/types.js';

/** Real fixtures of test/fixtures/rightsize (sources in its README). */
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/rightsize/${name}`, import.meta.url));

export const CATALOG_PATH = fixture('ec2-us-east-1-2026-07.csv');
const catalogText = readFileSync(CATALOG_PATH, 'utf8');
export const catalog: Catalog = parseCatalogCsv(catalogText, CATALOG_PATH, new Date('2026-07-20T00:00:00Z'));

export const TRACES = {
  idle: 'bitbrains-2013-7-vm2-head720.csv',
  busy: 'bitbrains-2013-7-vm9-head720.csv',
  spiky: 'bitbrains-2013-9-vm4-head720.csv',
} as const;

export function traceRows(kind: keyof typeof TRACES): BitbrainsRow[] {
  const path = fixture(TRACES[kind]);
  return parseBitbrainsCsv(readFileSync(path, 'utf8'), path);
}

export function spec(type: string): InstanceTypeSpec {
  const s = catalog.instanceTypes.find((t) => t.instanceType === type);
  if (!s) throw new Error(`${type} not in the fixture catalog`);
  return s;
}

/** The on-demand $/hour written in the catalog file's row for `type`, read straight from the text. */
export function csvPrice(type: string): number {
  const line = catalogText.split('\n').find((l) => l.startsWith(`${type},`));
  if (!line) throw new Error(`${type} not in the fixture catalog`);
  return Number(line.trim().split(',').at(-1));
}

/** A trace as `type` would report it; `memory: false` drops memory (no CloudWatch agent). */
export function reported(
  kind: keyof typeof TRACES,
  type: string,
  options: { memory?: boolean; network?: boolean } = {},
): UtilizationSamples {
  const all = asReportedBy(traceRows(kind), spec(type));
  return {
    times: all.times,
    cpuPercent: all.cpuPercent,
    ...(options.memory === false ? {} : { memPercent: all.memPercent }),
    ...(options.network ? { networkInBytes: all.networkInBytes, networkOutBytes: all.networkOutBytes } : {}),
  };
}

/** The same samples as the `rightsize --metrics` CSV text. */
export function metricsCsv(samples: UtilizationSamples): string {
  const cols: [string, readonly (number | null)[] | undefined][] = [
    ['cpu_percent', samples.cpuPercent],
    ['mem_percent', samples.memPercent],
    ['network_in_bytes', samples.networkInBytes],
    ['network_out_bytes', samples.networkOutBytes],
  ];
  const present = cols.filter(([, v]) => v !== undefined) as [string, readonly (number | null)[]][];
  const header = ['timestamp', ...present.map(([name]) => name)].join(',');
  const rows = samples.times.map((t, i) =>
    [new Date(t).toISOString(), ...present.map(([, v]) => v[i] ?? '')].join(','),
  );
  return `${header}\n${rows.join('\n')}\n`;
}

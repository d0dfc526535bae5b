/**
 * Right-sizing backtest on the real Bitbrains VM traces (npm run bench:rightsize).
 *
 * Each VM gets as current type the smallest m5 covering its provisioned cores and memory. Every
 * 14 days, each method sees the last 14 days as that type would have reported them
 * (cpu_percent, mem_percent) and picks a type; the next 14 days are then replayed on it:
 * savings % is the on-demand cost saved against the current type over the replayed hours, and
 * the shortfall rate is the share of 5-minute intervals where the VM's CPU demand (in vCPUs) or
 * its used memory exceeded what the chosen type gave it (burstable: standard credit mode, no
 * launch credits for T3/T3a/T4g, so every replay starts with an empty balance). Only the
 * training window is ever shown to a method.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InstanceTypeSpec } from '../src/catalog/types.js';
import { readCatalogCsv } from '../src/catalog/read-catalog-csv.js';
import { rightsizeSeries } from '../src/cli/rightsize.js';
import { toUtilizationSeries } from '../src/cli/utilization-csv.js';
import { isCostbotError } from '../src/errors.js';
import {
  asReportedBy,
  type BitbrainsRow,
  listBitbrains,
  readBitbrainsVm,
  smallestCovering,
} from '../test/support/bitbrains.js';
import { dataDir } from './data-dir.js';
import {
  computeOptimizerLike,
  flowpipeThrifty,
  nextSmallerInFamily,
  noChange,
  type SizingRule,
} from './rightsize-baselines.js';
import { replayOnType } from './rightsize-replay.js';
import { DAY_MS } from '../src/days.js';

const WINDOW_DAYS = 14;
const REGION = 'us-east-1';
const CATALOG = 'pricing/ec2-us-east-1-2026-07.csv';

interface Tally {
  currentCost: number;
  cost: number;
  intervals: number;
  shortfalls: number;
  cpuShortfalls: number;
  memoryShortfalls: number;
  picks: Map<string, number>;
}

const newTally = (): Tally => ({
  currentCost: 0,
  cost: 0,
  intervals: 0,
  shortfalls: 0,
  cpuShortfalls: 0,
  memoryShortfalls: 0,
  picks: new Map(),
});

const root = dataDir();
const catalog = await readCatalogCsv(join(root, CATALOG));
const priceOf = new Map(catalog.prices.filter((p) => p.region === REGION).map((p) => [p.instanceType, p.usdPerHour]));
const specOf = new Map(catalog.instanceTypes.map((s) => [s.instanceType, s]));
let costbotMs = 0;
let costbotCalls = 0;
/** Windows the CLI path refused (e.g. an irregular step): the VM keeps its type, as a user would. */
const refused: string[] = [];

const costbot: SizingRule = (train, current) => {
  const reported = asReportedBy(train, current);
  const samples = { times: reported.times, cpuPercent: reported.cpuPercent, memPercent: reported.memPercent };
  try {
    const series = toUtilizationSeries(samples, 'bitbrains');
    const started = performance.now();
    const rec = rightsizeSeries(series, current.instanceType, catalog, REGION);
    costbotMs += performance.now() - started;
    costbotCalls++;
    return specOf.get(rec.recommendedType)!;
  } catch (err) {
    if (!isCostbotError(err)) throw err;
    refused.push(err.message);
    return current;
  }
};

const methods: [string, SizingRule][] = [
  ['costbot (P99 + 20 %, defaults)', costbot],
  ['Compute-Optimizer-like (P99.5 + 20 %)', computeOptimizerLike(catalog.instanceTypes, priceOf)],
  ['Flowpipe thrifty (avg < 20 % -> smaller)', flowpipeThrifty(catalog.instanceTypes)],
  ['no change', noChange],
];
const totals = new Map(methods.map(([name]) => [name, newTally()]));
const perVm: string[] = [];

function record(tally: Tally, spec: InstanceTypeSpec, current: InstanceTypeSpec, test: readonly BitbrainsRow[]): void {
  const replay = replayOnType(test, spec);
  tally.currentCost += priceOf.get(current.instanceType)! * test.length;
  tally.cost += priceOf.get(spec.instanceType)! * test.length;
  tally.intervals += replay.intervals;
  tally.shortfalls += replay.shortfalls;
  tally.cpuShortfalls += replay.cpuShortfalls;
  tally.memoryShortfalls += replay.memoryShortfalls;
  tally.picks.set(spec.instanceType, (tally.picks.get(spec.instanceType) ?? 0) + 1);
}

const bitbrainsDir = join(root, 'bitbrains');
const { months, vms } = await listBitbrains(bitbrainsDir);
const skipped: string[] = [];
let smallestInFamily = 0;
for (const vm of vms) {
  const rows = await readBitbrainsVm(bitbrainsDir, months, vm);
  const current = rows.length > 0 ? smallestCovering(catalog.instanceTypes, 'm5', rows) : null;
  if (!current) {
    skipped.push(
      `vm ${vm}: ${rows.length === 0 ? 'no usable rows' : 'no m5 size covers its provisioned cores and memory'}`,
    );
    continue;
  }
  if (!nextSmallerInFamily(catalog.instanceTypes, current)) smallestInFamily++;
  const first = rows[0]!.time;
  const last = rows[rows.length - 1]!.time;
  const vmTallies = new Map(methods.map(([name]) => [name, newTally()]));
  for (let start = first; start + WINDOW_DAYS * DAY_MS <= last; start += WINDOW_DAYS * DAY_MS) {
    const split = start + WINDOW_DAYS * DAY_MS;
    const train = rows.filter((r) => r.time >= start && r.time < split);
    const test = rows.filter((r) => r.time >= split && r.time < split + WINDOW_DAYS * DAY_MS);
    if (test.length === 0) break;
    if (train.length < 2) continue;
    for (const [name, rule] of methods) {
      const spec = rule(train, current);
      record(totals.get(name)!, spec, current, test);
      record(vmTallies.get(name)!, spec, current, test);
    }
  }
  for (const [name] of methods.slice(0, 2)) {
    const t = vmTallies.get(name)!;
    const picks = [...t.picks].map(([type, n]) => `${type} x${n}`).join(', ');
    perVm.push(
      `  vm ${String(vm).padStart(2)}  ${current.instanceType.padEnd(9)} ${name.split(' ')[0]!.padEnd(23)} ` +
        `save ${pct(1 - t.cost / t.currentCost).padStart(6)}  short ${pct(t.shortfalls / t.intervals, 3).padStart(8)}  ${picks}`,
    );
  }
}

function pct(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)} %`;
}

const lines = [
  `Right-sizing backtest: Bitbrains traces in ${bitbrainsDir}: ${vms.length - skipped.length} VMs, months ${months.join(', ')}, 5-minute rows`,
  `train ${WINDOW_DAYS} days (cpu_percent, mem_percent as the current m5 would report them) -> replay the next ${WINDOW_DAYS} days; roll by ${WINDOW_DAYS} days (last replay is partial)`,
  `prices: ${CATALOG} (${REGION} on-demand Linux); burstable replay: standard mode, 0 launch credits for T3/T3a/T4g`,
  '',
  `${'method'.padEnd(42)} ${'savings'.padStart(8)} ${'shortfall'.padStart(10)} ${'cpu'.padStart(7)} ${'memory'.padStart(7)} ${'intervals'.padStart(10)}`,
];
for (const [name] of methods) {
  const t = totals.get(name)!;
  lines.push(
    `${name.padEnd(42)} ${pct(1 - t.cost / t.currentCost).padStart(8)} ${pct(t.shortfalls / t.intervals, 3).padStart(10)} ` +
      `${String(t.cpuShortfalls).padStart(7)} ${String(t.memoryShortfalls).padStart(7)} ${String(t.intervals).padStart(10)}`,
  );
}
const ours = totals.get(methods[0]![0])!;
const co = totals.get(methods[1]![0])!;
const ourSavings = 1 - ours.cost / ours.currentCost;
const coSavings = 1 - co.cost / co.currentCost;
const shortfallOk = ours.shortfalls / ours.intervals <= 0.005;
const savingsOk = ourSavings >= 0.95 * coSavings;
lines.push(
  '',
  `target: shortfall <= 0.5 % -> ${shortfallOk ? 'met' : 'MISSED'}; savings >= 95 % of Compute-Optimizer-like ` +
    `(${pct(0.95 * coSavings)}) -> ${savingsOk ? 'met' : 'MISSED'} (ratio ${(ourSavings / coSavings).toFixed(3)})`,
  `costbot: ${costbotCalls} recommendations, ${(costbotMs / costbotCalls).toFixed(1)} ms each on average (4,032 five-minute rows per call)` +
    (refused.length > 0 ? `; ${refused.length} windows refused as input, kept as is (first: ${refused[0]})` : ''),
  ...(smallestInFamily > 0
    ? [
        `note: ${smallestInFamily} VMs run on the smallest m5 in the catalog, where the thrifty rule has no smaller size to offer`,
      ]
    : []),
  ...skipped.map((s) => `skipped ${s}`),
  '',
  'per VM (savings, shortfall, picks over the windows):',
  ...perVm,
);
process.stdout.write(`${lines.join('\n')}\n`);

/**
 * CloudWatch evidence for a root-cause resource: how an EC2 instance's stored hourly metrics
 * moved between the days before a cost anomaly and the anomaly's days, kept only where the move
 * explains the instance's cost change (more running hours explain more instance-hours, a
 * network_out surge explains data-transfer cost, a CPU jump shows a workload change).
 */
import { DAY_MS, HOUR_MS } from '../../days.js';
import type { MetricName } from '../../metrics.js';

/** A stored point (metric_points row): cpu/mem avg in %, network avg in bytes moved in the period. */
export interface EvidencePoint {
  metric: MetricName;
  ts: Date;
  avg: number | null;
  periodSeconds: number;
}

/** [from, to) in epoch milliseconds. */
export interface TimeWindow {
  from: number;
  to: number;
}

export interface MetricEvidenceOptions {
  /**
   * Smallest relative change (of running hours per day or of a metric's mean) that explains a
   * cost change. A cost anomaly is a change well outside the day-to-day noise; a metric that
   * moved less than half its level is not the story.
   * @defaultValue 0.5
   */
  minRelativeChange?: number;
  /** Smallest change of running hours per day (below it, a few missing points could be the whole move). @defaultValue 2 */
  minHoursPerDay?: number;
  /** Smallest change of a CPU or memory mean, in percentage points (burstable instances idle around a few %). @defaultValue 10 */
  minPercentPoints?: number;
  /** Smallest change of a network mean, in bytes per hour: 10 MB/h is about 0.24 GB/day, cents of transfer. @defaultValue 1e7 */
  minNetworkBytesPerHour?: number;
}

export type ShiftKind = 'running_hours' | MetricName;

export interface MetricShift {
  metric: ShiftKind;
  /** Hours with data per day (running_hours), mean % (cpu, mem) or mean bytes per hour (network); null without data. */
  before: number | null;
  during: number | null;
  unit: 'h/day' | '%' | 'bytes/h';
}

export interface MetricEvidence {
  /** One sentence per shift that explains the cost change; a note when there is nothing to compare. */
  evidence: string[];
  /** The figures compared. */
  metrics: MetricShift[];
}

export const NO_METRIC_DATA = 'no CloudWatch data stored for these days';
export const NO_METRIC_DATA_BEFORE = 'no CloudWatch data stored before the anomaly to compare with';
export const NO_METRIC_DATA_DURING = "no CloudWatch data stored for the anomaly's days yet";

const METRICS: readonly MetricName[] = ['cpu', 'mem', 'network_in', 'network_out'];
const LABEL: Record<ShiftKind, string> = {
  running_hours: 'running hours',
  cpu: 'CPU avg',
  mem: 'memory avg',
  network_in: 'network in',
  network_out: 'network out',
};

interface WindowStats {
  hours: number;
  means: Map<MetricName, number>;
}

function inWindow(p: EvidencePoint, w: TimeWindow): boolean {
  const t = p.ts.getTime();
  return t >= w.from && t < w.to && p.avg !== null && Number.isFinite(p.avg);
}

/** Hours with any datapoint per day of the window, and each metric's mean (network as bytes per hour). */
function windowStats(points: readonly EvidencePoint[], w: TimeWindow): WindowStats {
  const hours = new Set<number>();
  const sums = new Map<MetricName, { sum: number; n: number }>();
  for (const p of points) {
    if (!inWindow(p, w)) continue;
    hours.add(Math.floor(p.ts.getTime() / HOUR_MS));
    // Network rows hold the bytes of their period (CloudWatch Sum): scale to an hour.
    const value = p.metric === 'network_in' || p.metric === 'network_out' ? (p.avg! * 3600) / p.periodSeconds : p.avg!;
    const s = sums.get(p.metric) ?? { sum: 0, n: 0 };
    sums.set(p.metric, { sum: s.sum + value, n: s.n + 1 });
  }
  const means = new Map([...sums].map(([m, s]) => [m, s.sum / s.n] as const));
  return { hours: (hours.size * DAY_MS) / (w.to - w.from), means };
}

function bytesPerHour(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(1)} GB/h`;
  if (b >= 1e8) return `${Math.round(b / 1e6)} MB/h`;
  return `${(b / 1e6).toFixed(1)} MB/h`;
}

function shown(s: MetricShift, v: number): string {
  if (s.unit === 'bytes/h') return bytesPerHour(v);
  const digits = v === 0 || v >= 10 ? 0 : v < 1 ? 2 : 1;
  return s.unit === '%' ? `${v.toFixed(digits)} %` : `${v.toFixed(digits)}`;
}

export function shiftSentence(s: MetricShift): string {
  const before = s.before === null ? 'none' : shown(s, s.before);
  const during = s.during === null ? 'none' : shown(s, s.during);
  return `CloudWatch: ${LABEL[s.metric]} ${before} → ${during}${s.unit === 'h/day' ? ' per day' : ''}`;
}

/** Whether a shift moved in the cost's direction by at least the relative and the absolute floor. */
function explains(s: MetricShift, direction: 1 | -1, o: Required<MetricEvidenceOptions>): boolean {
  if (s.before === null || s.during === null) return false;
  const change = (s.during - s.before) * direction;
  const floor = s.unit === 'h/day' ? o.minHoursPerDay : s.unit === '%' ? o.minPercentPoints : o.minNetworkBytesPerHour;
  // From a level of 0 (e.g. the instance did not run) any rise is infinitely relative: the floor decides.
  const relative = s.before === 0 ? Infinity : change / s.before;
  return change >= floor && relative >= o.minRelativeChange;
}

function clip(w: TimeWindow, to: TimeWindow): TimeWindow {
  return { from: Math.max(w.from, to.from), to: Math.min(w.to, to.to) };
}

/** Inputs of metricEvidence; times in epoch milliseconds. */
export interface EvidenceWindows {
  /** The baseline days before the anomaly. */
  before: TimeWindow;
  /** The anomaly's days. */
  during: TimeWindow;
  /** Sign of the cost change to explain: 1 for a rise, -1 for a fall. */
  direction: 1 | -1;
  /**
   * When CloudWatch data was being collected at all (oldest stored point to newest + 1 h).
   * Days outside it say nothing about the instance: a baseline day before collection began must
   * not read as a day the instance did not run.
   * @defaultValue no limit
   */
  collected?: TimeWindow;
}

/**
 * Compares an instance's points over the baseline days and the anomaly's days and keeps the
 * shifts that explain a cost change of sign `direction`; says so when there is nothing to compare.
 */
export function metricEvidence(
  points: readonly EvidencePoint[],
  windows: EvidenceWindows,
  options: MetricEvidenceOptions = {},
): MetricEvidence {
  const o: Required<MetricEvidenceOptions> = {
    minRelativeChange: 0.5,
    minHoursPerDay: 2,
    minPercentPoints: 10,
    minNetworkBytesPerHour: 1e7,
    ...options,
  };
  const { direction, collected = { from: -Infinity, to: Infinity } } = windows;
  if (!points.some((p) => inWindow(p, windows.before) || inWindow(p, windows.during)))
    return { evidence: [NO_METRIC_DATA], metrics: [] };
  const before = clip(windows.before, collected);
  const during = clip(windows.during, collected);
  if (during.to <= during.from) return { evidence: [NO_METRIC_DATA_DURING], metrics: [] };
  if (before.to <= before.from) return { evidence: [NO_METRIC_DATA_BEFORE], metrics: [] };
  const b = windowStats(points, before);
  const d = windowStats(points, during);
  const metrics: MetricShift[] = [{ metric: 'running_hours', before: b.hours, during: d.hours, unit: 'h/day' }];
  for (const m of METRICS) {
    if (!b.means.has(m) && !d.means.has(m)) continue;
    const unit = m === 'cpu' || m === 'mem' ? '%' : 'bytes/h';
    metrics.push({ metric: m, before: b.means.get(m) ?? null, during: d.means.get(m) ?? null, unit });
  }
  return { evidence: metrics.filter((s) => explains(s, direction, o)).map(shiftSentence), metrics };
}

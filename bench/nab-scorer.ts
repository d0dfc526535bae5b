/**
 * Numenta Anomaly Benchmark (NAB) scoring, a line-for-line port of the reference scorer
 * `../shared/tools/nab_score.py` (scaled-sigmoid windows, 15 % probation capped at 750 rows, cost
 * profiles, null/perfect normalisation, best single threshold over the whole scored set).
 * Pure: scores and labels in, figures out.
 */

/** Weights of one NAB cost profile. */
export interface NabCostProfile {
  tp: number;
  fn: number;
  fp: number;
}

export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** NAB `config/profiles.json` (tnWeight is unused by the scorer). */
export const NAB_PROFILES: Readonly<Record<NabProfileName, NabCostProfile>> = {
  standard: { tp: 1.0, fn: 1.0, fp: 0.11 },
  reward_low_FP_rate: { tp: 1.0, fn: 1.0, fp: 0.22 },
  reward_low_FN_rate: { tp: 1.0, fn: 2.0, fp: 0.11 },
};

/** One scored data file: its detector output and its labelled windows. */
export interface NabFile {
  /** Relative data path, e.g. `realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv`. */
  name: string;
  /** Row timestamps as written in the results file. */
  timestamps: readonly string[];
  /** Detector's anomaly score per row. */
  scores: ArrayLike<number>;
  /** Labelled windows `[start, end]` as in NAB's `combined_windows.json`. */
  windows: readonly (readonly [string, string])[];
}

export interface NabResult {
  /** Normalised score: 0 = detects nothing, 100 = perfect. */
  score: number;
  raw: number;
  threshold: number;
  windows: number;
  files: number;
}

interface SweepPoint {
  score: number;
  sweep: number;
  /** Window key, null outside every window, PROBATION inside the probationary period. */
  window: string | null;
}

const PROBATION = '\u0000probationary';

/** NAB's scaled sigmoid: +1 far before a window end, 0 at it, -1 far after. */
export function scaledSigmoid(x: number): number {
  if (x > 3.0) return -1.0;
  return 2 / (1 + Math.exp(5 * x)) - 1.0;
}

/** NAB keys timestamps on their first 19 characters (`YYYY-MM-DD HH:MM:SS`). */
function key(t: string): string {
  return t.slice(0, 19);
}

/** Per-row (score, sweep score, window) exactly as NAB's Sweeper.calcSweepScore. */
function sweepPoints(file: NabFile, w: NabCostProfile): SweepPoint[] {
  const timestamps = file.timestamps.map((t) => key(t.trim()));
  const pending = file.windows.map(([a, b]) => [key(a), key(b)] as const);
  const index = new Map<string, number>();
  timestamps.forEach((t, i) => index.set(t, i));
  const n = timestamps.length;
  const probation = Math.min(Math.floor(0.15 * n), 0.15 * 5000);
  const maxTp = scaledSigmoid(-1.0);
  const out: SweepPoint[] = [];
  let cur: { name: string; start: string; end: string; right: number; width: number } | null = null;
  let prevRight: number | null = null;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const t = timestamps[i]!;
    // Like the reference, only the next pending window can open, and only on an exact match.
    const next = pending[0];
    if (next && t === next[0]) {
      pending.shift();
      const right = index.get(next[1]);
      if (right === undefined) throw new Error(`${file.name}: window end ${next[1]} is not a row timestamp`);
      cur = {
        name: `${file.name}|${next[0]}`,
        start: next[0],
        end: next[1],
        right,
        width: right - index.get(next[0])! + 1,
      };
    }
    let sweep: number;
    if (cur) {
      sweep = (scaledSigmoid(-(cur.right - i + 1) / cur.width) * w.tp) / maxTp;
    } else {
      const u = prevRight === null ? -1.0 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
      sweep = u * w.fp;
    }
    out.push({ score: Number(file.scores[i]), sweep, window: i >= probation ? (cur?.name ?? null) : PROBATION });
    if (cur && t === cur.end) {
      prevRight = i;
      prevWidth = cur.width;
      cur = null;
    }
  }
  return out;
}

/** Total score at every distinct threshold, highest threshold first (a row counts when score >= threshold). */
function scoreByThreshold(points: SweepPoint[], w: NabCostProfile): [number, number][] {
  const pts = points.filter((p) => p.window !== PROBATION).sort((a, b) => b.score - a.score);
  const parts = new Map<string, number>([['fp', 0.0]]);
  for (const p of pts) if (p.window !== null) parts.set(p.window, -w.fn);
  let total = 0;
  for (const v of parts.values()) total += v;
  const res: [number, number][] = [];
  let curT = 1.1;
  for (const p of pts) {
    if (p.score !== curT) {
      res.push([curT, total]);
      curT = p.score;
    }
    if (p.window === null) {
      parts.set('fp', parts.get('fp')! + p.sweep);
      total += p.sweep;
    } else {
      // Only the best (earliest) detection inside a window counts.
      const old = parts.get(p.window)!;
      const best = Math.max(old, p.sweep);
      total += best - old;
      parts.set(p.window, best);
    }
  }
  res.push([curT, total]);
  return res;
}

function atThreshold(res: [number, number][], threshold: number): number {
  let prev: [number, number] | null = null;
  for (const [t, sc] of res) {
    if (t === threshold) return sc;
    if (t < threshold) return prev ? prev[1] : sc;
    prev = [t, sc];
  }
  return res[res.length - 1]![1];
}

/**
 * NAB score of a set of files under one cost profile. Files are scored in the order given (the
 * reference sorts them by name); the threshold is the best one over all files unless fixed.
 */
export function scoreNab(files: readonly NabFile[], profile: NabCostProfile, fixedThreshold?: number): NabResult {
  const points: SweepPoint[] = [];
  let windows = 0;
  for (const file of files) {
    for (const p of sweepPoints(file, profile)) points.push(p);
    windows += file.windows.length;
  }
  const res = scoreByThreshold(points, profile);
  let threshold: number;
  let raw: number;
  if (fixedThreshold !== undefined) {
    threshold = fixedThreshold;
    raw = atThreshold(res, fixedThreshold);
  } else {
    [threshold, raw] = res.reduce((best, r) => (r[1] > best[1] ? r : best));
  }
  const nullScore = -profile.fn * windows;
  const perfect = profile.tp * windows;
  const score = windows > 0 ? (100 * (raw - nullScore)) / (perfect - nullScore) : Number.NaN;
  return { score, raw, threshold, windows, files: files.length };
}

/** Scores under all three NAB profiles. */
export function scoreNabProfiles(
  files: readonly NabFile[],
  fixedThreshold?: number,
): Record<NabProfileName, NabResult> {
  return {
    standard: scoreNab(files, NAB_PROFILES.standard, fixedThreshold),
    reward_low_FP_rate: scoreNab(files, NAB_PROFILES.reward_low_FP_rate, fixedThreshold),
    reward_low_FN_rate: scoreNab(files, NAB_PROFILES.reward_low_FN_rate, fixedThreshold),
  };
}

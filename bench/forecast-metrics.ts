/** Scoring of one rolling-origin backtest: MASE against the in-sample seasonal-naive error, coverage. */

/** One method's forecast at one origin. */
export interface MethodForecast {
  point: readonly number[];
  /** Interval bands by level (80, 95); absent when the method has none. */
  bands: Partial<Record<80 | 95, { lower: readonly number[]; upper: readonly number[] }>>;
  ms: number;
}

/** Running totals of one method over one data set. */
export class MethodScore {
  /** Sum of MASE and count per series, so both pooled and per-series means can be reported. */
  readonly perSeries = new Map<string, { sum: number; n: number }>();
  readonly inside: Record<80 | 95, { hit: number; n: number }> = { 80: { hit: 0, n: 0 }, 95: { hit: 0, n: 0 } };
  ms = 0;
  fits = 0;

  add(series: string, mase: number, f: MethodForecast, actual: readonly number[]): void {
    const s = this.perSeries.get(series) ?? { sum: 0, n: 0 };
    s.sum += mase;
    s.n += 1;
    this.perSeries.set(series, s);
    for (const level of [80, 95] as const) {
      const band = f.bands[level];
      if (!band) continue;
      actual.forEach((a, h) => {
        if (!Number.isFinite(a)) return;
        this.inside[level].n++;
        if (a >= band.lower[h]! && a <= band.upper[h]!) this.inside[level].hit++;
      });
    }
    this.ms += f.ms;
    this.fits++;
  }

  /** Mean MASE over every (series, origin) pair. */
  pooledMase(): number {
    let sum = 0;
    let n = 0;
    for (const s of this.perSeries.values()) {
      sum += s.sum;
      n += s.n;
    }
    return sum / n;
  }

  seriesMase(series: string): number {
    const s = this.perSeries.get(series);
    return s ? s.sum / s.n : NaN;
  }

  coverage(level: 80 | 95): number | null {
    const c = this.inside[level];
    return c.n > 0 ? c.hit / c.n : null;
  }
}

/** Mean absolute error over the steps whose actual is known. */
export function mae(point: readonly number[], actual: readonly number[]): number {
  let sum = 0;
  let n = 0;
  actual.forEach((a, h) => {
    if (Number.isFinite(a)) {
      sum += Math.abs(a - point[h]!);
      n++;
    }
  });
  return n > 0 ? sum / n : NaN;
}

/** MASE scale: in-sample MAE of the seasonal-naive forecast (lag m) over the training values. */
export function naiveScale(train: readonly number[], m: number): number {
  let sum = 0;
  let n = 0;
  for (let t = m; t < train.length; t++) {
    const d = train[t]! - train[t - m]!;
    if (Number.isFinite(d)) {
      sum += Math.abs(d);
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/**
 * Merges consecutive anomalous days of one scope into one anomaly with a start, an end and a
 * duration, so that a cost jump that lasts a week is one anomaly, not seven.
 */
import { impactPercent } from './severity.js';
import { DAY_MS, dayToMs } from '../../days.js';

/** One scored day of a scope. A gap day (no data) has a NaN score. */
export interface ScoredDay {
  day: string;
  score: number;
  actualUsd: number;
  expectedUsd: number;
}

export interface AnomalyEpisode {
  startDay: string;
  endDay: string;
  /** Days from start to end inclusive (gap days inside count). */
  durationDays: number;
  peakScore: number;
  peakDay: string;
  /** Sums over the anomalous days with data. */
  actualUsd: number;
  expectedUsd: number;
  impactUsd: number;
  impactPercent: number;
}

/** +1 when a day cost more than expected, -1 when less, 0 when neither is known to differ. */
export function deviationSign(d: Pick<ScoredDay, 'actualUsd' | 'expectedUsd'>): number {
  const delta = d.actualUsd - d.expectedUsd;
  return Number.isNaN(delta) ? 0 : Math.sign(delta);
}

/**
 * Runs of days scoring at least `threshold`, in day order. A gap day neither ends a run nor adds
 * to it (a missing day between two anomalous days is most likely the same event); a scored day
 * below the threshold ends it, and so does a day whose cost moved the other way (a rise and a
 * drop are two events, never summed into one impact).
 */
export function mergeAnomalousDays(days: readonly ScoredDay[], threshold: number): AnomalyEpisode[] {
  const episodes: AnomalyEpisode[] = [];
  let run: ScoredDay[] = [];
  const close = () => {
    if (run.length > 0) episodes.push(summarise(run));
    run = [];
  };
  for (const d of days) {
    if (Number.isNaN(d.score)) continue;
    if (d.score < threshold) {
      close();
      continue;
    }
    if (run.length > 0 && deviationSign(d) * deviationSign(run[0]!) < 0) close();
    run.push(d);
  }
  close();
  return episodes;
}

function summarise(run: ScoredDay[]): AnomalyEpisode {
  let peak = run[0]!;
  let actualUsd = 0;
  let expectedUsd = 0;
  for (const d of run) {
    if (d.score > peak.score) peak = d;
    actualUsd += d.actualUsd;
    expectedUsd += d.expectedUsd;
  }
  const last = run[run.length - 1]!;
  return {
    startDay: run[0]!.day,
    endDay: last.day,
    durationDays: Math.round((dayToMs(last.day) - dayToMs(run[0]!.day)) / DAY_MS) + 1,
    peakScore: peak.score,
    peakDay: peak.day,
    actualUsd,
    expectedUsd,
    impactUsd: actualUsd - expectedUsd,
    impactPercent: impactPercent(actualUsd, expectedUsd),
  };
}

/**
 * Held-out NAB figures: the all-files NAB score picks its threshold on the very files it scores,
 * which flatters a detector tuned on them. Here every file is scored at a threshold chosen on
 * other files only, and the held-out raw scores are summed and normalised over all files, so the
 * figure reads on the same 0-100 scale as the all-files one.
 */
import { createRandom } from '../src/ml/prng.js';
import { NAB_PROFILES, scoreNab, type NabFile, type NabProfileName } from './nab-scorer.js';

/** One fold: the threshold is chosen on `tune`, the files of `test` are scored at it. */
export interface Fold {
  tune: readonly NabFile[];
  test: readonly NabFile[];
}

/** The metric kind of a NAB realAWSCloudwatch file, from its name. */
export function metricFamily(name: string): string {
  const base = name.split('/').pop()!;
  if (/cpu_utilization/.test(base)) return 'CPU';
  if (/network_in|NetworkIn/.test(base)) return 'network';
  if (/disk_write_bytes/.test(base)) return 'disk';
  if (/request_count/.test(base)) return 'request count';
  // grok_asg_anomaly: an autoscaling group's metric that NAB does not name.
  return 'other (ASG)';
}

/** One fold per family: the family is scored at the threshold of all the other files. */
export function familyFolds(files: readonly NabFile[]): Map<string, Fold> {
  const families = [...new Set(files.map((f) => metricFamily(f.name)))];
  return new Map(
    families.map((family) => [
      family,
      {
        tune: files.filter((f) => metricFamily(f.name) !== family),
        test: files.filter((f) => metricFamily(f.name) === family),
      },
    ]),
  );
}

/**
 * `splits` random halvings (seeded, so every run and every detector sees the same ones), each
 * giving two folds: half A scored at half B's threshold and the other way round.
 */
export function halfFolds(files: readonly NabFile[], splits: number, seed = 1): Fold[][] {
  const random = createRandom(seed);
  return Array.from({ length: splits }, () => {
    const order = files.map((f) => ({ f, key: random() })).sort((a, b) => a.key - b.key);
    const a = order.slice(0, order.length >> 1).map((o) => o.f);
    const b = order.slice(order.length >> 1).map((o) => o.f);
    return [
      { tune: b, test: a },
      { tune: a, test: b },
    ];
  });
}

/** NAB score of the folds' test files (disjoint), each fold scored at its tune files' best threshold. */
export function heldOutScore(folds: readonly Fold[], profile: NabProfileName): number {
  const weights = NAB_PROFILES[profile];
  let raw = 0;
  let windows = 0;
  for (const fold of folds) {
    const threshold = scoreNab(fold.tune, weights).threshold;
    const test = scoreNab(fold.test, weights, threshold);
    raw += test.raw;
    windows += test.windows;
  }
  const nullScore = -weights.fn * windows;
  const perfect = weights.tp * windows;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

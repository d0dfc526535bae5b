/**
 * The detector's forest swapped for the `ml-isolation-forest` package (the user's choice), to
 * compare it with our implementation on the same features, schedule and calibration.
 *
 * The package draws from Math.random and grows every tree on the whole set it is given. To make a
 * run repeatable we substitute a seeded generator for Math.random while it trains (its training is
 * synchronous, so nothing else runs meanwhile). Two variants:
 * - `subsampled`: Liu et al.'s recipe through the package: 100 one-tree forests, each trained on
 *   its own 256-row sample; score = 2^(-mean path / c(256)) over the trees (out of bag when the
 *   detector asks, as ours).
 * - `as-is`: one 100-tree forest trained on the whole training window, scored by its `predict`
 *   (every tree holds every training row: no out-of-bag scores).
 */
import { IsolationForest } from 'ml-isolation-forest';
import type { ForestBackend } from '../src/ml/anomaly/detector.js';
import { averagePathLength } from '../src/ml/anomaly/isolation-forest.js';
import { createRandom, type Random } from '../src/ml/prng.js';

function withSeededMathRandom<T>(random: Random, fn: () => T): T {
  const original = Math.random;
  Math.random = random;
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}

function rowsOf(data: Float64Array, d: number, start: number, end: number): number[][] {
  const rows: number[][] = [];
  for (let i = start; i < end; i++) rows.push(Array.from(data.subarray(i * d, i * d + d)));
  return rows;
}

export const mlIsolationForestSubsampled: ForestBackend = {
  name: 'ml-isolation-forest (seeded, 256-row subsample per tree)',
  trainAndScore(data, d, start, end, scoreEnd, options) {
    const random = createRandom(options.seed);
    const all = rowsOf(data, d, start, end);
    const psi = Math.min(options.sampleSize ?? 256, all.length);
    const trees = withSeededMathRandom(random, () =>
      Array.from({ length: options.trees ?? 100 }, () => {
        const pool = all.map((_, i) => i);
        for (let i = 0; i < psi; i++) {
          const j = i + Math.floor(random() * (pool.length - i));
          [pool[i], pool[j]] = [pool[j]!, pool[i]!];
        }
        const forest = new IsolationForest({ nEstimators: 1 });
        forest.train(pool.slice(0, psi).map((i) => all[i]!));
        const sampled = new Uint8Array(scoreEnd - start);
        for (let i = 0; i < psi; i++) sampled[pool[i]!] = 1;
        return { tree: forest.forest[0]!, sampled };
      }),
    );
    const cn = averagePathLength(psi);
    return Float64Array.from(rowsOf(data, d, start, scoreEnd), (x, i) => {
      let total = 0;
      let count = 0;
      for (const { tree, sampled } of trees) {
        if (options.outOfBag && sampled[i]) continue;
        total += tree.pathLengthFromRoot(x, 0);
        count++;
      }
      return count === 0 ? 0.5 : Math.pow(2, -total / count / cn);
    });
  },
};

export const mlIsolationForestAsIs: ForestBackend = {
  name: 'ml-isolation-forest (seeded, whole window per tree)',
  trainAndScore(data, d, start, end, scoreEnd, options) {
    const forest = new IsolationForest({ nEstimators: options.trees ?? 100 });
    withSeededMathRandom(createRandom(options.seed), () => forest.train(rowsOf(data, d, start, end)));
    return Float64Array.from(forest.predict(rowsOf(data, d, start, scoreEnd)));
  },
};

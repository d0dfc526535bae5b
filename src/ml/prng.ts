/**
 * Seeded pseudo-random numbers (mulberry32): src/ml never calls Math.random, so a run with the
 * same seed repeats exactly. The Isolation Forest kernel (wasm/isolation-forest-kernel.ts) draws
 * from the same generator; `createRandom` is its TypeScript form (the benchmark seeds
 * ml-isolation-forest with it).
 */
export type Random = () => number;

/** A generator of floats in [0, 1) from a 32-bit seed. */
export function createRandom(seed: number): Random {
  // The state sits in a typed array: as a closure variable it would often exceed V8's small
  // integers and be re-boxed on every draw.
  const state = new Int32Array([seed | 0]);
  return () => {
    const s = (state[0] = (state[0]! + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed derived from a parent seed and a stream number (e.g. one per retraining). */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

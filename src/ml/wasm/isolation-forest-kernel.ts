// AssemblyScript, compiled to isolation-forest-kernel.wasm by `npm run build:wasm`; loaded by
// ../forest-kernel.ts. The two hot loops of src/ml/isolation-forest.ts (growing the trees and
// walking rows down them) on raw linear memory: the host lays out every array and passes
// pointers. Same arithmetic and random draws as the TypeScript description in
// isolation-forest.ts, so the same seed gives the same forest and scores; about 1.6x faster
// than the same loops in V8 (bench/out figures in docs/anomaly-detection.md).

// mulberry32, as src/ml/prng.ts.
let state: u32 = 0;

@inline function random(): f64 {
  state += 0x6d2b79f5;
  const s = state;
  let t: u32 = (s ^ (s >>> 15)) * (s | 1);
  t ^= t + (t ^ (t >>> 7)) * (t | 61);
  return <f64>(t ^ (t >>> 14)) / 4294967296.0;
}

@inline function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
@inline function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
@inline function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}

// The forest being grown; module globals keep the recursion's arguments to the row range.
let data: usize = 0;
let d: i32 = 0;
let idx: usize = 0;
let limit: i32 = 0;
let leafPath: usize = 0;
let samplePath: usize = 0;
let order: usize = 0;
let feature: usize = 0;
let value: usize = 0;
let right: usize = 0;
let lo: usize = 0;
let hi: usize = 0;
let nodes: i32 = 0;
// The split pickSplit found.
let splitFeature: i32 = 0;
let splitMin: f64 = 0;
let splitMax: f64 = 0;

/** Picks a random feature that is not constant over idx[from, to); false when every feature is. */
function pickSplit(from: i32, to: i32): bool {
  for (let k = 0; k < d; k++) setI32(order, k, k);
  for (let k = 0; k < d; k++) {
    const j = k + <i32>Math.floor(random() * <f64>(d - k));
    const q = i32At(order, j);
    setI32(order, j, i32At(order, k));
    setI32(order, k, q);
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const v = f64At(data, i32At(idx, i) * d + q);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max > min) {
      splitFeature = q;
      splitMin = min;
      splitMax = max;
      return true;
    }
  }
  return false;
}

@inline function pushNode(f: i32, v: f64, rangeLo: f64, rangeHi: f64): void {
  const i = nodes++;
  setI32(feature, i, f);
  setF64(value, i, v);
  setI32(right, i, -1);
  setF64(lo, i, rangeLo);
  setF64(hi, i, rangeHi);
}

/** Grows the subtree of idx[from, to), pre-order. */
function grow(from: i32, to: i32, depth: i32): void {
  const node = nodes;
  if (depth >= limit || to - from <= 1 || !pickSplit(from, to)) {
    const c = f64At(leafPath, to - from);
    pushNode(-1, c, 0, 0);
    for (let i = from; i < to; i++) setF64(samplePath, i, <f64>depth + c);
    return;
  }
  const q = splitFeature;
  const min = splitMin;
  const max = splitMax;
  const p = min + random() * (max - min);
  // Lomuto partition without a branch on the side a row goes to (a coin flip to the predictor).
  let mid = from;
  for (let i = from; i < to; i++) {
    const r = i32At(idx, i);
    setI32(idx, i, i32At(idx, mid));
    setI32(idx, mid, r);
    mid += <i32>(f64At(data, r * d + q) < p);
  }
  pushNode(q, p, min, max);
  grow(from, mid, depth + 1);
  setI32(right, node, nodes);
  grow(mid, to, depth + 1);
}

/**
 * Grows `trees` trees on rows [start, start + n) of the row-major matrix at dataPtr (dims
 * features per row), each on psi rows drawn without replacement (partial Fisher-Yates over
 * `pool`). Writes each tree's root, its nodes, and its sample with each sampled row's path length
 * (bagRows/bagPaths, psi per tree); returns the node count.
 */
export function growForest(
  dataPtr: usize, dims: i32, start: i32, n: i32, psi: i32, trees: i32, seed: i32, heightLimit: i32,
  leafPathPtr: usize, idxPtr: usize, samplePathPtr: usize, pool: usize, orderPtr: usize, roots: usize,
  featurePtr: usize, valuePtr: usize, rightPtr: usize, loPtr: usize, hiPtr: usize, bagRows: usize, bagPaths: usize,
): i32 {
  state = <u32>seed;
  data = dataPtr;
  d = dims;
  idx = idxPtr;
  limit = heightLimit;
  leafPath = leafPathPtr;
  samplePath = samplePathPtr;
  order = orderPtr;
  feature = featurePtr;
  value = valuePtr;
  right = rightPtr;
  lo = loPtr;
  hi = hiPtr;
  nodes = 0;
  for (let i = 0; i < n; i++) setI32(pool, i, start + i);
  for (let t = 0; t < trees; t++) {
    for (let i = 0; i < psi; i++) {
      const j = i + <i32>Math.floor(random() * <f64>(n - i));
      const r = i32At(pool, j);
      setI32(pool, j, i32At(pool, i));
      setI32(pool, i, r);
      setI32(idx, i, r);
    }
    setI32(roots, t, nodes);
    grow(0, psi, 0);
    memory.copy(bagRows + (<usize>(t * psi) << 2), idx, <usize>psi << 2);
    memory.copy(bagPaths + (<usize>(t * psi) << 3), samplePath, <usize>psi << 3);
  }
  return nodes;
}

/**
 * Sums over the trees each row's path length, for rows [start, start + rows) of the matrix at
 * dataPtr, into total[0, rows). A row in a tree's sample (bagRows, perTree per tree; perTree 0
 * for none) takes its known path; any other row walks the tree, range-aware or plain.
 */
export function pathSums(
  dataPtr: usize, dims: i32, start: i32, rows: i32, roots: usize, trees: i32,
  featurePtr: usize, valuePtr: usize, rightPtr: usize, loPtr: usize, hiPtr: usize, rangeAware: bool,
  bagRows: usize, bagPaths: usize, perTree: i32, known: usize, stamp: usize, total: usize,
): void {
  for (let r = 0; r < rows; r++) {
    setF64(total, r, 0);
    setI32(stamp, r, 0);
  }
  for (let t = 0; t < trees; t++) {
    const root = i32At(roots, t);
    // known[r] holds tree t's path for row r when r is in t's sample (stamped t + 1).
    for (let k = t * perTree; k < (t + 1) * perTree; k++) {
      const r = i32At(bagRows, k) - start;
      if (r < 0 || r >= rows) continue;
      setF64(known, r, f64At(bagPaths, k));
      setI32(stamp, r, t + 1);
    }
    for (let r = 0; r < rows; r++) {
      if (i32At(stamp, r) == t + 1) {
        setF64(total, r, f64At(total, r) + f64At(known, r));
        continue;
      }
      const row = dataPtr + (<usize>((start + r) * dims) << 3);
      let node = root;
      let depth = 0;
      let reach = 1.0; // probability of not having been isolated out of range yet
      let early = 0.0; // expected path length from out-of-range isolations
      let q = i32At(featurePtr, node);
      while (q != -1) {
        const v = load<f64>(row + (<usize>q << 3));
        if (rangeAware) {
          const l = f64At(loPtr, node);
          const h = f64At(hiPtr, node);
          const gap = v > h ? (v - h) / (v - l) : v < l ? (l - v) / (h - v) : 0.0;
          if (gap > 0) {
            early += reach * gap * <f64>(depth + 1);
            reach *= 1 - gap;
          }
        }
        node = v < f64At(valuePtr, node) ? node + 1 : i32At(rightPtr, node);
        depth++;
        q = i32At(featurePtr, node);
      }
      setF64(total, r, f64At(total, r) + early + reach * (<f64>depth + f64At(valuePtr, node)));
    }
  }
}

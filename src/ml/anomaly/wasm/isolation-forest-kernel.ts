// AssemblyScript, compiled to isolation-forest-kernel.wasm by `npm run build:wasm`; loaded by
// ../forest-kernel.ts. The hot loops of src/ml/isolation-forest.ts, on raw linear memory (the
// host lays out every array and passes pointers): growing the trees, scoring the rows a training
// run needs while the trees grow (routed down with the sample instead of walked afterwards), and
// walking rows down a stored forest. Same arithmetic and random draws as described in
// isolation-forest.ts: the same seed gives the same forest and scores, bit for bit.

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
let order: usize = 0;
let feature: usize = 0;
let value: usize = 0;
let right: usize = 0;
let lo: usize = 0;
let hi: usize = 0;
let nodes: i32 = 0;
// Rows scored while growing: rows [0, scored) of the matrix; `other` lists those not in the
// current tree's sample, with each one's running out-of-range sums (see pathSums).
let scored: i32 = 0;
let rangeAware: bool = true;
let other: usize = 0;
let early: usize = 0;
let reach: usize = 0;
let total: usize = 0;
// Out-of-bag scoring: a sampled row adds nothing and counts the tree in `bagged` instead.
let outOfBag: bool = false;
let bagged: usize = 0;
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

/**
 * Grows the subtree of sample rows idx[from, to), pre-order, routing the other scored rows
 * other[oFrom, oTo) down with them: each split sends them where a walk would, so at the leaves
 * every row's path is known without walking the finished tree.
 */
function grow(from: i32, to: i32, oFrom: i32, oTo: i32, depth: i32): void {
  const node = nodes;
  if (depth >= limit || to - from <= 1 || !pickSplit(from, to)) {
    const c = f64At(leafPath, to - from);
    pushNode(-1, c, 0, 0);
    const path = <f64>depth + c;
    for (let i = from; i < to; i++) {
      const r = i32At(idx, i);
      if (r < scored) {
        if (outOfBag) setI32(bagged, r, i32At(bagged, r) + 1);
        else setF64(total, r, f64At(total, r) + path);
      }
    }
    for (let i = oFrom; i < oTo; i++) {
      const r = i32At(other, i);
      setF64(total, r, f64At(total, r) + f64At(early, r) + f64At(reach, r) * path);
    }
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
  let oMid = oFrom;
  for (let i = oFrom; i < oTo; i++) {
    const r = i32At(other, i);
    const v = f64At(data, r * d + q);
    // The walk's out-of-range step (pathSums); most rows are in range, where it changes nothing.
    if (rangeAware && (v > max || v < min)) {
      const gap = v > max ? (v - max) / (v - min) : (min - v) / (max - v);
      const reached = f64At(reach, r);
      setF64(early, r, f64At(early, r) + reached * gap * <f64>(depth + 1));
      setF64(reach, r, reached * (1 - gap));
    }
    setI32(other, i, i32At(other, oMid));
    setI32(other, oMid, r);
    oMid += <i32>(v < p);
  }
  pushNode(q, p, min, max);
  grow(from, mid, oFrom, oMid, depth + 1);
  setI32(right, node, nodes);
  grow(mid, to, oMid, oTo, depth + 1);
}

/** Lists row r as the m-th row to route down the current tree, not yet isolated out of range. */
@inline function addOther(m: i32, r: i32): i32 {
  setI32(other, m, r);
  setF64(early, r, 0);
  setF64(reach, r, 1);
  return m + 1;
}

/**
 * Grows `trees` trees on rows [0, n) of the row-major matrix at dataPtr (dims features per row),
 * each on psi rows drawn without replacement (partial Fisher-Yates over `pool`), writing each
 * tree's root and nodes; returns the node count. Meanwhile sums each of rows [0, scoredRows) its
 * path length over the trees into totalPtr: a sampled row's is its leaf's depth plus c(leaf
 * size) (it lies inside every range on its way down), any other row's is what pathSums's walk
 * gives, summed in the same order, so the sums are identical. With outOfBagScores, a row sums
 * only the trees that did not sample it and baggedPtr counts, per row, the trees that did.
 */
export function growForest(
  dataPtr: usize, dims: i32, n: i32, psi: i32, trees: i32, seed: i32, heightLimit: i32,
  leafPathPtr: usize, idxPtr: usize, pool: usize, orderPtr: usize, roots: usize,
  featurePtr: usize, valuePtr: usize, rightPtr: usize, loPtr: usize, hiPtr: usize,
  scoredRows: i32, rangeAwareScores: bool, otherPtr: usize, earlyPtr: usize, reachPtr: usize, totalPtr: usize,
  outOfBagScores: bool, baggedPtr: usize,
): i32 {
  state = <u32>seed;
  data = dataPtr;
  d = dims;
  idx = idxPtr;
  limit = heightLimit;
  leafPath = leafPathPtr;
  order = orderPtr;
  feature = featurePtr;
  value = valuePtr;
  right = rightPtr;
  lo = loPtr;
  hi = hiPtr;
  nodes = 0;
  scored = scoredRows;
  rangeAware = rangeAwareScores;
  other = otherPtr;
  early = earlyPtr;
  reach = reachPtr;
  total = totalPtr;
  outOfBag = outOfBagScores;
  bagged = baggedPtr;
  for (let r = 0; r < scored; r++) setF64(total, r, 0);
  if (outOfBag) for (let r = 0; r < scored; r++) setI32(bagged, r, 0);
  for (let i = 0; i < n; i++) setI32(pool, i, i);
  for (let t = 0; t < trees; t++) {
    for (let i = 0; i < psi; i++) {
      const j = i + <i32>Math.floor(random() * <f64>(n - i));
      const r = i32At(pool, j);
      setI32(pool, j, i32At(pool, i));
      setI32(pool, i, r);
      setI32(idx, i, r);
    }
    // The rows to score that the tree did not sample: the rest of the pool, then the rows after
    // the training rows.
    let m = 0;
    for (let i = psi; i < n; i++) {
      const r = i32At(pool, i);
      if (r < scored) m = addOther(m, r);
    }
    for (let r = n; r < scored; r++) m = addOther(m, r);
    setI32(roots, t, nodes);
    grow(0, psi, 0, m, 0);
  }
  return nodes;
}

/**
 * Sums over the trees of a grown forest each row's path length, for rows [start, start + rows) of
 * the matrix at dataPtr, into total[0, rows), walking each tree, range-aware or plain.
 */
export function pathSums(
  dataPtr: usize, dims: i32, start: i32, rows: i32, roots: usize, trees: i32,
  featurePtr: usize, valuePtr: usize, rightPtr: usize, loPtr: usize, hiPtr: usize, rangeAwareScores: bool, totalPtr: usize,
): void {
  for (let r = 0; r < rows; r++) setF64(totalPtr, r, 0);
  for (let t = 0; t < trees; t++) {
    const root = i32At(roots, t);
    for (let r = 0; r < rows; r++) {
      const row = dataPtr + (<usize>((start + r) * dims) << 3);
      let node = root;
      let depth = 0;
      let reached = 1.0; // probability of not having been isolated out of range yet
      let earlier = 0.0; // expected path length from out-of-range isolations
      let q = i32At(featurePtr, node);
      while (q != -1) {
        const v = load<f64>(row + (<usize>q << 3));
        if (rangeAwareScores) {
          const l = f64At(loPtr, node);
          const h = f64At(hiPtr, node);
          const gap = v > h ? (v - h) / (v - l) : v < l ? (l - v) / (h - v) : 0.0;
          if (gap > 0) {
            earlier += reached * gap * <f64>(depth + 1);
            reached *= 1 - gap;
          }
        }
        node = v < f64At(valuePtr, node) ? node + 1 : i32At(rightPtr, node);
        depth++;
        q = i32At(featurePtr, node);
      }
      setF64(totalPtr, r, f64At(totalPtr, r) + earlier + reached * (<f64>depth + f64At(valuePtr, node)));
    }
  }
}

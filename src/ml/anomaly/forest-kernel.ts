/**
 * The compiled hot loops of the Isolation Forest (wasm/isolation-forest-kernel.ts, AssemblyScript)
 * and the memory they work in. The kernel reads and writes only its own linear memory, so every
 * call copies its inputs in and its outputs out; the memory grows to the largest call and is
 * reused (calls are synchronous, one at a time per process).
 */
import { readFileSync } from 'node:fs';

/** The parts of a WebAssembly.Memory used here (lib.dom, which types WebAssembly, is not in this project's libs). */
interface KernelMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface KernelExports {
  memory: KernelMemory;
  growForest(
    data: number,
    d: number,
    n: number,
    psi: number,
    trees: number,
    seed: number,
    limit: number,
    leafPath: number,
    idx: number,
    pool: number,
    order: number,
    roots: number,
    feature: number,
    value: number,
    right: number,
    lo: number,
    hi: number,
    scored: number,
    rangeAware: number,
    other: number,
    early: number,
    reach: number,
    total: number,
    outOfBag: number,
    bagged: number,
  ): number;
  pathSums(
    data: number,
    d: number,
    start: number,
    rows: number,
    roots: number,
    trees: number,
    feature: number,
    value: number,
    right: number,
    lo: number,
    hi: number,
    rangeAware: number,
    total: number,
  ): void;
}

export const KERNEL_WASM = new URL('./wasm/isolation-forest-kernel.wasm', import.meta.url);

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const kernel = new wasm.Instance(new wasm.Module(readFileSync(KERNEL_WASM))).exports as KernelExports;

const PAGE = 65_536;

/**
 * Byte offsets of arrays of the given sizes (in bytes) laid out one after another, 8-aligned,
 * growing the kernel's memory to hold them. Views made before a call to `reserve` are stale after it.
 */
export function reserve<K extends string>(sizes: Record<K, number>): Record<K, number> {
  const offsets = {} as Record<K, number>;
  let end = 0;
  for (const key of Object.keys(sizes) as K[]) {
    offsets[key] = end;
    end += (sizes[key] + 7) & ~7;
  }
  const missing = Math.ceil(end / PAGE) - kernel.memory.buffer.byteLength / PAGE;
  if (missing > 0) kernel.memory.grow(missing);
  return offsets;
}

export function f64View(offset: number, length: number): Float64Array {
  return new Float64Array(kernel.memory.buffer, offset, length);
}

export function i32View(offset: number, length: number): Int32Array {
  return new Int32Array(kernel.memory.buffer, offset, length);
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNabCut } from '../../../test/anomaly/fixtures.js';
import { detectorFeatures, windowsForStep } from './features.js';
import { KERNEL_WASM } from './forest-kernel.js';
import { isolationScores, trainIsolationForest } from './isolation-forest.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('the compiled Isolation Forest kernel', () => {
  it('is what `npm run build:wasm` makes of its source today (the committed .wasm is not stale)', () => {
    const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['build:wasm'];
    const args = script.split(/\s+/);
    expect(args[0]).toBe('asc');
    const dir = mkdtempSync(join(tmpdir(), 'costbot-wasm-'));
    try {
      const out = join(dir, 'kernel.wasm');
      const o = args.indexOf('-o');
      args[o + 1] = out;
      execFileSync(join(root, 'node_modules', '.bin', 'asc'), args.slice(1), { cwd: root });
      expect(readFileSync(out).equals(readFileSync(KERNEL_WASM))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('keeps no state between calls: a forest scores the same after a larger training grew the memory, from any array type', async () => {
    const cut = await readNabCut('ec2_cpu_utilization_ac20cd.csv');
    const fm = detectorFeatures(cut.values, windowsForStep(300_000));
    const d = fm.names.length;
    const small = trainIsolationForest(fm.data, d, 0, 300, { seed: 3, sampleSize: 64, trees: 10 });
    const before = isolationScores(small, fm.data, 0, fm.rows);
    trainIsolationForest(fm.data, d, 0, fm.rows, { seed: 4, sampleSize: 1024, trees: 300 });
    expect(isolationScores(small, fm.data, 0, fm.rows)).toEqual(before);
    expect(isolationScores(small, Array.from(fm.data), 100, 200)).toEqual(before.subarray(100, 200));
  });
});

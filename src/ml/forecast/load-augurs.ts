import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initSync as initEts, AutoETS } from '@bsull/augurs/ets';
import { initSync as initMstl, MSTL } from '@bsull/augurs/mstl';
import { initSync as initProphet, Prophet } from '@bsull/augurs/prophet';
import type { ForecastRuntime } from './runtime.js';

let runtime: ForecastRuntime | undefined;

/**
 * Loads the augurs WASM modules (Prophet, MSTL, ETS) and the Stan optimizer once per process and
 * returns the constructors that `src/ml/forecasting.ts` takes as a parameter.
 *
 * Why a loader outside src/ml: initialising WASM reads files, and src/ml stays free of I/O. The
 * augurs bundles are built for browsers (they would `fetch` their .wasm), so in Node each module is
 * initialised from its bytes with `initSync`. Idempotent: later calls return the same object.
 */
export async function loadForecastRuntime(): Promise<ForecastRuntime> {
  if (runtime) return runtime;
  const require = createRequire(import.meta.url);
  // The package's exports map has no "./package.json", so locate it through its main entry.
  const dir = dirname(require.resolve('@bsull/augurs'));
  initProphet({ module: readFileSync(join(dir, 'prophet_bg.wasm')) });
  initMstl({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  initEts({ module: readFileSync(join(dir, 'ets_bg.wasm')) });
  // The optimizer compiles its own WASM in a top-level await on import.
  const { optimizer } = await import('@bsull/augurs-prophet-wasmstan');
  runtime = { Prophet, MSTL, AutoETS, optimizer };
  return runtime;
}

import type { AutoETS } from '@bsull/augurs/ets';
import type { MSTL } from '@bsull/augurs/mstl';
import type { Prophet, ProphetOptions } from '@bsull/augurs/prophet';

/**
 * The initialised augurs constructors the forecasting code runs on. Built once per process by
 * `loadForecastRuntime()` (src/forecast/augurs-runtime.ts), which does the WASM I/O, and passed in
 * here so that src/ml imports types only and stays free of I/O.
 */
export interface ForecastRuntime {
  Prophet: typeof Prophet;
  MSTL: typeof MSTL;
  AutoETS: typeof AutoETS;
  /** `optimizer` of @bsull/augurs-prophet-wasmstan (Prophet's Stan model compiled to WASM). */
  optimizer: ProphetOptions['optimizer'];
}

import type { ForecastRuntime } from './runtime.js';
import { median } from './math.js';
import { runEts, runMstl, runSeasonalNaive } from './models.js';
import { fitProphet, type ProphetFit } from './prophet.js';
import type { ModelForecast, ModelInput, ProphetSeasonalitySpec } from './types.js';
import { forward } from './prepare.js';
import type { ValueTransform } from './types.js';

/** A regular history to forecast, in original units (NaN where a step is missing). */
export interface EnsembleInput {
  values: readonly number[];
  times: readonly number[];
  stepMs: number;
  /** Seasonal period of seasonal naive, in steps (1: none). */
  period: number;
  /** MSTL's periods in steps; MSTL is left out when empty. */
  mstlPeriods: readonly number[];
  prophetSeasonalities: readonly ProphetSeasonalitySpec[];
  transform: ValueTransform;
  horizon: number;
}

/** The ensemble's forecast in transformed space, with what each member did. */
export interface EnsembleForecast {
  center: number[];
  scale: number[];
  members: string[];
  /** Members that threw, with the reason, so the caller can warn. */
  failures: string[];
  prophet: ProphetFit | null;
}

/**
 * The forecaster: per step, the median of five members' forecasts and the median of their own
 * predictive standard deviations (never decreasing with the horizon), in transformed space (log
 * for non-negative series):
 *   prophet         Prophet (augurs), fitted on the original values, converted to log space
 *   mstl            MSTL with an AutoETS trend on the log values
 *   ets             non-seasonal AutoETS on the log values
 *   naive           the last value
 *   seasonal-naive  the value one period earlier
 * Why: in rolling-origin backtests on the three real sets of bench/forecast.ts, Prophet alone was
 * 6-38 % worse than seasonal naive, the best single member (naive) only ~10 % better, and picking
 * one member per series from a short in-sample backtest was noisy; the median of these diverse
 * members in log space was the most robust choice, and a median suits the MAE behind MASE.
 */
export function runEnsemble(rt: ForecastRuntime, input: EnsembleInput): EnsembleForecast {
  const y = input.values.map((v) => (Number.isFinite(v) ? forward(input.transform, v) : NaN));
  const modelInput: ModelInput = {
    y,
    times: input.times,
    stepMs: input.stepMs,
    periods: input.mstlPeriods,
    prophetSeasonalities: input.prophetSeasonalities,
    horizon: input.horizon,
  };
  const forecasts: ModelForecast[] = [];
  const members: string[] = [];
  const failures: string[] = [];
  const attempt = (name: string, run: () => ModelForecast) => {
    try {
      const f = run();
      if (f.point.every(Number.isFinite) && f.sd.every(Number.isFinite)) {
        forecasts.push(f);
        members.push(name);
      } else failures.push(`${name}: non-finite forecast`);
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  let prophet: ProphetFit | null = null;
  attempt('prophet', () => {
    prophet = fitProphet(rt, { ...modelInput, y: input.values });
    return toTransformed(prophet.forecast, input.transform);
  });
  if (input.mstlPeriods.length > 0) attempt('mstl', () => runMstl(rt, modelInput));
  attempt('ets', () => runEts(rt, modelInput));
  attempt('naive', () => runSeasonalNaive(y, input.horizon, 1));
  if (input.period > 1) attempt('seasonal-naive', () => runSeasonalNaive(y, input.horizon, input.period));
  if (forecasts.length === 0) throw new Error(`every forecasting model failed: ${failures.join('; ')}`);
  const center = Array.from({ length: input.horizon }, (_, h) => median(forecasts.map((f) => f.point[h]!)));
  // Uncertainty never shrinks with the horizon (an error made at step h persists), so the scale is
  // the running maximum of the members' median spread.
  let widest = 0;
  const scale = Array.from(
    { length: input.horizon },
    (_, h) => (widest = Math.max(widest, median(forecasts.map((f) => f.sd[h]!)))),
  );
  return { center, scale, members, failures, prophet };
}

/** Prophet runs on the original values; its point and spread are mapped into log space (delta method). */
function toTransformed(f: ModelForecast, t: ValueTransform): ModelForecast {
  if (t.kind === 'identity') return f;
  return {
    point: f.point.map((p) => forward(t, p)),
    sd: f.sd.map((s, h) => s / (Math.max(f.point[h]!, 0) + t.offset)),
  };
}

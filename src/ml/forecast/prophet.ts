import type { ProphetOptimizeOutput, ProphetOptions } from '@bsull/augurs/prophet';
import type { ForecastRuntime } from './runtime.js';
import type { ModelForecast, ModelInput } from './types.js';
import { DAY_MS } from '../../days.js';

/** Prophet's fitted piecewise-linear trend, in the units of the series (per day). */
export interface ProphetTrendFit {
  /** Epoch ms of the first and last fitted row (Prophet's time scale runs 0..1 between them). */
  startMs: number;
  endMs: number;
  /** Slope at the start of the history, value units per day. */
  initialSlopePerDay: number;
  /** Level of the trend at the first fitted row. */
  startLevel: number;
  /** Slope changes at Prophet's potential changepoints, value units per day. */
  changepoints: { timeMs: number; slopeChangePerDay: number; scaledDelta: number }[];
}

export interface ProphetFit {
  forecast: ModelForecast;
  trend: ProphetTrendFit;
}

/**
 * Settings chosen for cost and utilization series: changepoints over the first 90 % of the history
 * (Prophet's default 80 % ignores the most recent fifth, where a cost change matters most).
 */
const PROPHET_SETTINGS = { changepointRange: 0.9, changepointPriorScale: 0.05 } as const;

/**
 * Fits Prophet (augurs + the wasmstan optimizer) on the observed rows only: missing steps are left
 * out of the training data, which Prophet's regression handles natively, so a gap is not a zero.
 *
 * The predictive spread follows Prophet's own generative model, in closed form instead of
 * augurs' unseeded sampling (which would make identical inputs give different intervals):
 * observation noise σ_obs plus the trend uncertainty of future changepoints occurring at the
 * historical rate S per unit of scaled time with Laplace(0, λ = mean |δ|) slope changes, whose
 * variance at scaled time t > 1 is S · 2λ² · (t − 1)³ / 3.
 */
export function fitProphet(rt: ForecastRuntime, input: ModelInput): ProphetFit {
  let captured: ProphetOptimizeOutput | undefined;
  let stanData: { S: number; t_change: number[] } | undefined;
  const optimizer: ProphetOptions['optimizer'] = {
    optimize: (init, data, opts) => {
      captured = rt.optimizer.optimize(init, data, opts);
      stanData = JSON.parse(data) as { S: number; t_change: number[] };
      return captured;
    },
  };
  const prophet = new rt.Prophet({
    optimizer,
    ...PROPHET_SETTINGS,
    uncertaintySamples: 0,
    yearlySeasonality: { type: 'manual', enabled: false },
    weeklySeasonality: { type: 'manual', enabled: false },
    dailySeasonality: { type: 'manual', enabled: false },
  });
  try {
    for (const s of input.prophetSeasonalities) {
      prophet.addSeasonality(s.name, { period: s.periodDays, fourierOrder: s.fourierOrder });
    }
    const ds: number[] = [];
    const y: number[] = [];
    input.y.forEach((v, i) => {
      if (Number.isFinite(v)) {
        ds.push(input.times[i]! / 1000);
        y.push(v);
      }
    });
    // No retry with Newton's method as Prophet (Python) does on an L-BFGS failure: in wasmstan 0.2.0
    // Newton traps ("unreachable") and can leave the WASM instance corrupt for later fits. A failed
    // fit throws, and the ensemble goes on without Prophet, with a warning.
    prophet.fit({ ds, y });
    const lastMs = input.times[input.times.length - 1]!;
    const future = Array.from({ length: input.horizon }, (_, h) => (lastMs + (h + 1) * input.stepMs) / 1000);
    const point = prophet.predict({ ds: future }).yhat.point;
    if (!captured || !stanData) throw new Error('Prophet did not call its optimizer');
    const yScale = Math.max(...y.map(Math.abs)) || 1;
    const startMs = ds[0]! * 1000;
    const endMs = ds[ds.length - 1]! * 1000;
    const spanMs = Math.max(endMs - startMs, 1);
    const { sigmaObs, delta } = captured.params;
    const deltas = Array.from(delta);
    const lambda = deltas.reduce((a, d) => a + Math.abs(d), 0) / Math.max(deltas.length, 1) + 1e-8;
    const sd = future.map((sec) => {
      const t = (sec * 1000 - startMs) / spanMs;
      const trendVar = (stanData!.S * 2 * lambda ** 2 * Math.max(t - 1, 0) ** 3) / 3;
      return yScale * Math.sqrt(sigmaObs ** 2 + trendVar);
    });
    return { forecast: { point, sd }, trend: trendFit(captured, stanData.t_change, yScale, startMs, spanMs) };
  } finally {
    prophet.free();
  }
}

function trendFit(
  out: ProphetOptimizeOutput,
  tChange: number[],
  yScale: number,
  startMs: number,
  spanMs: number,
): ProphetTrendFit {
  const perDay = (yScale * DAY_MS) / spanMs;
  return {
    startMs,
    endMs: startMs + spanMs,
    initialSlopePerDay: out.params.k * perDay,
    startLevel: out.params.m * yScale,
    changepoints: Array.from(out.params.delta, (d, j) => ({
      timeMs: startMs + tChange[j]! * spanMs,
      slopeChangePerDay: d * perDay,
      scaledDelta: d,
    })),
  };
}

import { z } from 'zod';

/**
 * Readers for the JSON columns the jobs fill: anomalies.root_cause (score-anomalies: the
 * Contributor[] of src/ml/root-cause.ts, plus notes such as a repeat of a dismissed anomaly),
 * forecasts.monthly / trend / drivers (forecast-costs, src/worker/jobs/forecast-shapes.ts) and
 * recommendations.details.evidence (rightsize: RightSizeEvidence). The bot validates what it reads
 * instead of trusting a cast: an entry it cannot read is counted and reported, never shown as a
 * made-up figure.
 */

export interface Parsed<T> {
  items: T[];
  /** Entries present but not in a readable shape. */
  unreadable: number;
}

function readList<S extends z.ZodType>(value: unknown, schema: S): Parsed<z.infer<S>> {
  const list = Array.isArray(value) ? value : [];
  const items = list.flatMap((raw) => {
    const r = schema.safeParse(raw);
    return r.success ? [r.data] : [];
  });
  return { items, unreadable: list.length - items.length };
}

const num = z.number().finite();

const contributor = z.object({
  dimension: z.string(),
  value: z.string(),
  actualUsd: num,
  expectedUsd: num,
  deltaUsd: num,
  share: num.nullable().optional(),
  /** An instance's Name tag, shown beside its id. */
  name: z.string().optional(),
  /** A slice's service (dimension 'slice': account · service · region · usage type). */
  service: z.string().optional(),
  /** CloudWatch sentences for an EC2 instance (score-anomalies, src/ml/metric-evidence.ts). */
  evidence: z.array(z.string()).optional(),
});
export type RootCauseEntry = z.infer<typeof contributor>;

/** An entry without figures, e.g. { dimension: 'feedback', value: 'repeats anomaly #12, marked expected' }. */
const note = z.object({ dimension: z.string(), value: z.string() });

export interface RootCause extends Parsed<RootCauseEntry> {
  notes: string[];
}

/** Root-cause contributors, slices then resources, each ranked by dollar contribution, and the notes. */
export function readRootCause(value: unknown): RootCause {
  const list = Array.isArray(value) ? value : [];
  const parsed = readList(list, contributor);
  // Slices (the causes) first, then the resources within them; each by dollar contribution.
  const rank = (c: RootCauseEntry) => (c.dimension === 'slice' ? 0 : c.dimension === 'resource' ? 2 : 1);
  parsed.items.sort((a, b) => rank(a) - rank(b) || Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd));
  const notes = list.flatMap((raw) => {
    if (contributor.safeParse(raw).success) return [];
    const n = note.safeParse(raw);
    return n.success ? [`${n.data.dimension}: ${n.data.value}`] : [];
  });
  return { ...parsed, notes, unreadable: parsed.unreadable - notes.length };
}

const month = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  yhat: num,
  lower80: num.optional(),
  upper80: num.optional(),
  lower95: num.optional(),
  upper95: num.optional(),
  actualToDateUsd: num.optional(),
  actualDays: num.optional(),
  forecastUsd: num.optional(),
  forecastDays: num.optional(),
  recurringUsd: num.optional(),
  complete: z.boolean().optional(),
});
export type ForecastMonth = z.infer<typeof month>;

export function readForecastMonths(value: unknown): Parsed<ForecastMonth> {
  return readList(value, month);
}

const trend = z.object({
  direction: z.enum(['up', 'down', 'flat']).nullable(),
  growthPercentPerMonth: num.nullable(),
  description: z.string(),
  methodLabel: z.string().optional(),
  methodReason: z.string().optional(),
});

const day = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  yhat: num,
  lower80: num,
  upper80: num,
  lower95: num,
  upper95: num,
});
export type ForecastDay = z.infer<typeof day>;

export function readForecastDays(value: unknown): Parsed<ForecastDay> {
  return readList(value, day);
}
export type ForecastTrend = z.infer<typeof trend>;

/** The trend summary, or undefined when none was stored (the forecast had no trend model). */
export function readForecastTrend(value: unknown): ForecastTrend | undefined {
  const r = trend.safeParse(value);
  return r.success ? r.data : undefined;
}

const driver = z.object({
  dimension: z.string(),
  label: z.string(),
  changeUsd: num,
  sharePercent: num.nullable(),
});
export type ForecastDriver = z.infer<typeof driver>;

export function readForecastDrivers(value: unknown): Parsed<ForecastDriver> {
  return readList(value, driver);
}

const evidence = z
  .object({
    lookbackDays: num,
    coverage: num,
    percentile: num,
    cpuPercentilePercent: num.nullable(),
    cpuPeakPercent: num.nullable(),
    cpuMeanPercent: num.nullable(),
    memoryKnown: z.boolean(),
    memoryPeakGib: num.nullable(),
    projectedCpuPercent: num.nullable(),
  })
  .partial();
export type RecommendationEvidence = z.infer<typeof evidence>;

/** Utilization figures behind a recommendation (details.evidence); fields missing are shown as n/a. */
export function readEvidence(details: unknown): RecommendationEvidence {
  const d = z.object({ evidence: evidence }).safeParse(details);
  return d.success ? d.data.evidence : {};
}

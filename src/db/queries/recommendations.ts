import { and, asc, desc, eq, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  instances,
  metricPoints,
  recommendations,
  type Finding,
  type InstanceTypeRow,
  type NewRecommendation,
  type Recommendation,
  type Risk,
} from '../schema/index.js';
import { listInstanceTypes } from './instance-types.js';
import { keysetAfter, keysetOrder, type SortOrder } from './keyset.js';
import type { MetricName } from '../../metrics.js';

/** Findings that suggest a change (the rest are shown as counts only). */
export const ACTIONABLE_FINDINGS: readonly Finding[] = ['over-provisioned', 'idle', 'under-provisioned'];

/** The recommendation list filters. */
export interface RecommendationListParams {
  /** Only this instance (any finding). */
  instanceId?: string;
  /** Only these findings. @defaultValue ACTIONABLE_FINDINGS */
  findings?: readonly Finding[];
  limit: number;
  offset: number;
}

export interface RecommendationPage {
  rows: Recommendation[];
  total: number;
}

function listWhere(p: RecommendationListParams): SQL | undefined {
  const conditions: SQL[] = [eq(recommendations.status, 'active')];
  if (p.instanceId !== undefined) conditions.push(eq(recommendations.instanceId, p.instanceId));
  else conditions.push(inArray(recommendations.finding, [...(p.findings ?? ACTIONABLE_FINDINGS)]));
  return and(...conditions);
}

/** Active recommendations, largest monthly saving first (unknown savings last), with the total count (see listAnomalies). */
export async function listRecommendations(db: Db, p: RecommendationListParams): Promise<RecommendationPage> {
  const where = listWhere(p);
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(recommendations)
      .where(where)
      .orderBy(sql`${recommendations.monthlySavingsUsd} desc nulls last`, asc(recommendations.instanceId))
      .limit(p.limit)
      .offset(p.offset),
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(recommendations)
      .where(where),
  ]);
  return { rows, total: count?.n ?? 0 };
}

export async function getRecommendation(db: Db, id: number): Promise<Recommendation | undefined> {
  const [row] = await db.select().from(recommendations).where(eq(recommendations.id, id));
  return row;
}

export interface SavingsSummary {
  /** Active recommendations with a positive, priced saving. */
  count: number;
  monthlyUsd: number;
  annualUsd: number;
  /** Active rows per finding, all findings. */
  byFinding: Partial<Record<Finding, number>>;
  /** Active actionable rows whose saving is unknown (no price). */
  unpriced: number;
  /** Active actionable rows counted after their RI/Savings Plan discount. */
  afterDiscounts: number;
  /** Active actionable rows of spot instances, whose saving is not given. */
  spotExcluded: number;
}

/** Total potential saving over the active recommendations. */
export async function savingsSummary(db: Db): Promise<SavingsSummary> {
  const rows = await db
    .select({
      finding: recommendations.finding,
      n: sql<number>`count(*)`.mapWith(Number),
      saving:
        sql<number>`coalesce(sum(${recommendations.monthlySavingsUsd}) filter (where ${recommendations.monthlySavingsUsd} > 0), 0)`.mapWith(
          Number,
        ),
      positive: sql<number>`count(*) filter (where ${recommendations.monthlySavingsUsd} > 0)`.mapWith(Number),
      unpriced:
        sql<number>`count(*) filter (where ${recommendations.monthlySavingsUsd} is null and ${recommendations.savingsBasis} <> 'spot-excluded')`.mapWith(
          Number,
        ),
      afterDiscounts: sql<number>`count(*) filter (where ${recommendations.savingsBasis} = 'after-discounts')`.mapWith(
        Number,
      ),
      spotExcluded: sql<number>`count(*) filter (where ${recommendations.savingsBasis} = 'spot-excluded')`.mapWith(
        Number,
      ),
    })
    .from(recommendations)
    .where(eq(recommendations.status, 'active'))
    .groupBy(recommendations.finding);
  const byFinding: Partial<Record<Finding, number>> = {};
  let monthlyUsd = 0;
  let count = 0;
  let unpriced = 0;
  let afterDiscounts = 0;
  let spotExcluded = 0;
  for (const r of rows) {
    byFinding[r.finding] = r.n;
    if (!ACTIONABLE_FINDINGS.includes(r.finding)) continue;
    monthlyUsd += r.saving;
    count += r.positive;
    unpriced += r.unpriced;
    afterDiscounts += r.afterDiscounts;
    spotExcluded += r.spotExcluded;
  }
  return { count, monthlyUsd, annualUsd: monthlyUsd * 12, byFinding, unpriced, afterDiscounts, spotExcluded };
}

export interface UtilizationPoint {
  ts: Date;
  avg: number | null;
  max: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Hourly CPU or memory statistics of an instance over the `days` that end at its last stored
 * point no later than `before` (the lookback the recommendation saw), oldest first.
 */
export async function utilizationSeries(
  db: Db,
  p: { instanceId: string; metric: MetricName; before: Date; days: number },
): Promise<UtilizationPoint[]> {
  const of = and(
    eq(metricPoints.instanceId, p.instanceId),
    eq(metricPoints.metric, p.metric),
    lte(metricPoints.ts, p.before),
  );
  const [last] = await db
    .select({ ts: sql<string | null>`max(${metricPoints.ts})` })
    .from(metricPoints)
    .where(of);
  if (last?.ts === null || last?.ts === undefined) return [];
  const to = new Date(last.ts);
  return db
    .select({
      ts: metricPoints.ts,
      avg: metricPoints.avg,
      max: metricPoints.max,
      p95: metricPoints.p95,
      p99: metricPoints.p99,
    })
    .from(metricPoints)
    .where(and(of, gt(metricPoints.ts, new Date(to.getTime() - p.days * 86_400_000))))
    .orderBy(asc(metricPoints.ts));
}

/** Marks the recommendation applied once its change ran; only an active row changes. */
export async function markRecommendationApplied(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .update(recommendations)
    .set({ status: 'applied' })
    .where(and(eq(recommendations.id, id), eq(recommendations.status, 'active')))
    .returning({ id: recommendations.id });
  return rows.length === 1;
}

// --- JSON API (src/api): keyset-paged list with the API's filters -------------------------------

export type RecommendationKeysetSort = 'savings' | 'confidence';

/** `GET /api/ml/right-sizing`: filters over the active recommendations, a sort, and the key to start after. */
export interface RecommendationKeysetParams {
  risks?: readonly Risk[];
  /** All findings when absent. */
  findings?: readonly Finding[];
  /** Monthly saving of at least this many USD (rows with an unknown saving are left out). */
  minMonthlySavingsUsd?: number;
  accountId?: string;
  region?: string;
  /** savings = monthly_savings_usd (unknown savings last in either order), confidence; ties broken by id. */
  sort: RecommendationKeysetSort;
  order: SortOrder;
  limit: number;
  /** The sort value and id of the last row of the previous page (value null = unknown saving). */
  after?: { value: number | null; id: number };
}

function recommendationSortKey(sort: RecommendationKeysetSort, order: SortOrder) {
  if (sort === 'confidence')
    return { key: sql`${recommendations.confidence}`, cast: (v: number | null) => sql`${v}::float8` };
  // An unknown saving (no price) sorts after every known one whichever the order.
  const last = order === 'desc' ? sql`'-Infinity'::float8` : sql`'Infinity'::float8`;
  return {
    key: sql`coalesce(${recommendations.monthlySavingsUsd}, ${last})`,
    cast: (v: number | null) => sql`coalesce(${v}::float8, ${last})`,
  };
}

/** One page of active recommendations after `after`, and whether more follow. */
export async function listRecommendationsKeyset(
  db: Db,
  p: RecommendationKeysetParams,
): Promise<{ rows: Recommendation[]; hasMore: boolean }> {
  const { key, cast } = recommendationSortKey(p.sort, p.order);
  const conditions: SQL[] = [eq(recommendations.status, 'active')];
  if (p.risks !== undefined) conditions.push(inArray(recommendations.risk, [...p.risks]));
  if (p.findings !== undefined) conditions.push(inArray(recommendations.finding, [...p.findings]));
  if (p.minMonthlySavingsUsd !== undefined)
    conditions.push(gte(recommendations.monthlySavingsUsd, p.minMonthlySavingsUsd));
  if (p.accountId !== undefined) conditions.push(eq(recommendations.accountId, p.accountId));
  if (p.region !== undefined) conditions.push(eq(recommendations.region, p.region));
  if (p.after !== undefined)
    conditions.push(keysetAfter(key, recommendations.id, p.order, cast(p.after.value), sql`${p.after.id}::int`));
  const rows = await db
    .select()
    .from(recommendations)
    .where(and(...conditions))
    .orderBy(...keysetOrder(key, recommendations.id, p.order))
    .limit(p.limit + 1);
  return { rows: rows.slice(0, p.limit), hasMore: rows.length > p.limit };
}

/** Specs of the given instance types that the catalog knows, by type name. */
export async function typeSpecs(db: Db, types: readonly string[]): Promise<Map<string, InstanceTypeRow>> {
  if (types.length === 0) return new Map();
  const rows = await listInstanceTypes(db, [...new Set(types)]);
  return new Map(rows.map((r) => [r.instanceType, r]));
}

/**
 * Stores a right-sizing run: in one transaction, each instance's active recommendation becomes
 * superseded and the new one becomes active (the partial unique index keeps one active per instance).
 */
export async function replaceRecommendations(db: Db, p: { rows: readonly NewRecommendation[] }): Promise<number> {
  if (p.rows.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (let i = 0; i < p.rows.length; i += 500) {
      const chunk = p.rows.slice(i, i + 500);
      await tx
        .update(recommendations)
        .set({ status: 'superseded' })
        .where(
          and(
            eq(recommendations.status, 'active'),
            inArray(
              recommendations.instanceId,
              chunk.map((r) => r.instanceId),
            ),
          ),
        );
      await tx.insert(recommendations).values(chunk.map((r) => ({ ...r, status: 'active' as const })));
    }
  });
  return p.rows.length;
}

/** An instance whose active recommendation no longer applies, and why in a sentence. */
export interface Retirement {
  instanceId: string;
  reason: string;
}

/**
 * Retires the active recommendations of these instances with their reasons, in one transaction;
 * returns the retirements that found an active recommendation.
 */
export async function retireRecommendations(db: Db, p: { retire: readonly Retirement[] }): Promise<Retirement[]> {
  const done: Retirement[] = [];
  if (p.retire.length === 0) return done;
  await db.transaction(async (tx) => {
    for (const r of p.retire) {
      const rows = await tx
        .update(recommendations)
        .set({ status: 'retired', retiredReason: r.reason })
        .where(and(eq(recommendations.instanceId, r.instanceId), eq(recommendations.status, 'active')))
        .returning({ id: recommendations.id });
      if (rows.length > 0) done.push(r);
    }
  });
  return done;
}

/** Every active recommendation with the instance as the inventory now has it (null when gone from it). */
export async function activeRecommendationsWithInstances(
  db: Db,
): Promise<{ instanceId: string; currentType: string; state: string | null; instanceType: string | null }[]> {
  return db
    .select({
      instanceId: recommendations.instanceId,
      currentType: recommendations.currentType,
      state: instances.state,
      instanceType: instances.instanceType,
    })
    .from(recommendations)
    .leftJoin(instances, eq(instances.instanceId, recommendations.instanceId))
    .where(eq(recommendations.status, 'active'));
}

/** The instance's latest recommendation of any status (retired, applied...), newest first by id. */
export async function latestRecommendationOf(db: Db, instanceId: string): Promise<Recommendation | undefined> {
  const [row] = await db
    .select()
    .from(recommendations)
    .where(eq(recommendations.instanceId, instanceId))
    .orderBy(desc(recommendations.id))
    .limit(1);
  return row;
}

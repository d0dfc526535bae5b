import { and, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  anomalies,
  costDaily,
  instances,
  metricPoints,
  mlModels,
  prices,
  recommendations,
  type MlModel,
  type ModelKind,
} from '../schema/index.js';

/** Model status per kind: how many scopes have an active model, the newest version and training window. */
export interface ModelKindStatus {
  kind: ModelKind;
  activeScopes: number;
  failed: number;
  latestVersion: number | null;
  latestTrainedTo: string | null;
  latestCreatedAt: Date | null;
}

export async function modelStatus(db: Db): Promise<ModelKindStatus[]> {
  const rows = await db
    .select({
      kind: mlModels.kind,
      activeScopes: sql<number>`count(*) filter (where ${mlModels.status} = 'active')`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${mlModels.status} = 'failed')`.mapWith(Number),
      latestVersion: sql<number | null>`max(${mlModels.version}) filter (where ${mlModels.status} = 'active')`,
      latestTrainedTo: sql<
        string | null
      >`max(${mlModels.trainedTo}) filter (where ${mlModels.status} = 'active')::text`,
      latestCreatedAt: sql<string | null>`max(${mlModels.createdAt})`,
    })
    .from(mlModels)
    .groupBy(mlModels.kind)
    .orderBy(mlModels.kind);
  return rows.map((r) => ({
    ...r,
    latestVersion: r.latestVersion === null ? null : Number(r.latestVersion),
    latestCreatedAt: r.latestCreatedAt === null ? null : new Date(r.latestCreatedAt),
  }));
}

/** How fresh and how complete the stored data is: drives /cost status and every empty state. */
export interface DataFreshness {
  costDays: number;
  costFirstDay: string | null;
  costLastDay: string | null;
  instances: number;
  instancesLastSeen: Date | null;
  metricsLastTs: Date | null;
  pricesFetchedAt: Date | null;
  anomalies: number;
  anomaliesLastDay: string | null;
  activeRecommendations: number;
}

export async function dataFreshness(db: Db): Promise<DataFreshness> {
  const toDate = (v: string | null) => (v === null ? null : new Date(v));
  const [[cost], [inv], [metrics], [price], [anom], [recs]] = await Promise.all([
    db
      .select({
        days: sql<number>`count(distinct ${costDaily.day})`.mapWith(Number),
        first: sql<string | null>`min(${costDaily.day})::text`,
        last: sql<string | null>`max(${costDaily.day})::text`,
      })
      .from(costDaily),
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number), last: sql<string | null>`max(${instances.lastSeenAt})` })
      .from(instances),
    // max(ts) is an index-only scan on metric_points_ts_idx, cheap on millions of rows.
    db.select({ last: sql<string | null>`max(${metricPoints.ts})` }).from(metricPoints),
    db.select({ last: sql<string | null>`max(${prices.fetchedAt})` }).from(prices),
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number), last: sql<string | null>`max(${anomalies.endDay})::text` })
      .from(anomalies),
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(recommendations)
      .where(eq(recommendations.status, 'active')),
  ]);
  return {
    costDays: cost?.days ?? 0,
    costFirstDay: cost?.first ?? null,
    costLastDay: cost?.last ?? null,
    instances: inv?.n ?? 0,
    instancesLastSeen: toDate(inv?.last ?? null),
    metricsLastTs: toDate(metrics?.last ?? null),
    pricesFetchedAt: toDate(price?.last ?? null),
    anomalies: anom?.n ?? 0,
    anomaliesLastDay: anom?.last ?? null,
    activeRecommendations: recs?.n ?? 0,
  };
}

// --- JSON API (src/api): the latest version of every model, keyset-paged by (kind, scope) -------

/** `GET /api/ml/models`. */
export interface LatestModelsParams {
  kind?: ModelKind;
  scope?: string;
  limit: number;
  /** The (kind, scope) of the last row of the previous page. */
  after?: { kind: string; scope: string };
}

/** The newest version of a kind and scope, with the version now active (which may be older, e.g. when the newest training failed). */
export interface LatestModel {
  model: Omit<MlModel, 'artifact'>;
  activeVersion: number | null;
}

/** The newest version per (kind, scope), ordered by kind then scope, without the serialised artifact. */
export async function listLatestModels(
  db: Db,
  p: LatestModelsParams,
): Promise<{ rows: LatestModel[]; hasMore: boolean }> {
  const conditions: SQL[] = [];
  if (p.kind !== undefined) conditions.push(eq(mlModels.kind, p.kind));
  if (p.scope !== undefined) conditions.push(eq(mlModels.scope, p.scope));
  if (p.after !== undefined)
    conditions.push(sql`(${mlModels.kind}, ${mlModels.scope}) > (${p.after.kind}::text, ${p.after.scope}::text)`);
  const { artifact: _artifact, ...columns } = getTableColumns(mlModels);
  const active = db
    .select({ kind: mlModels.kind, scope: mlModels.scope, version: mlModels.version })
    .from(mlModels)
    .where(eq(mlModels.status, 'active'))
    .as('active');
  const rows = await db
    .selectDistinctOn([mlModels.kind, mlModels.scope], { model: columns, activeVersion: active.version })
    .from(mlModels)
    .leftJoin(active, and(eq(active.kind, mlModels.kind), eq(active.scope, mlModels.scope)))
    .where(and(...conditions))
    .orderBy(mlModels.kind, mlModels.scope, desc(mlModels.version))
    .limit(p.limit + 1);
  return { rows: rows.slice(0, p.limit), hasMore: rows.length > p.limit };
}

// --- Training jobs: versioned writes ------------------------------------------------------------

export type NewModelVersion = Omit<typeof mlModels.$inferInsert, 'id' | 'version' | 'status' | 'createdAt'>;

/**
 * Stores trained models as new versions in one transaction: each (kind, scope) gets the next
 * version number and becomes the active one; the previous active version is superseded.
 * Returns the new ids by scope.
 */
export async function storeModelVersions(
  db: Db,
  p: { models: readonly NewModelVersion[] },
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  await db.transaction(async (tx) => {
    for (const model of p.models) {
      const [latest] = await tx
        .select({ version: sql<number | null>`max(${mlModels.version})` })
        .from(mlModels)
        .where(and(eq(mlModels.kind, model.kind), eq(mlModels.scope, model.scope)));
      await tx
        .update(mlModels)
        .set({ status: 'superseded' })
        .where(and(eq(mlModels.kind, model.kind), eq(mlModels.scope, model.scope), eq(mlModels.status, 'active')));
      const [row] = await tx
        .insert(mlModels)
        .values({ ...model, version: Number(latest?.version ?? 0) + 1, status: 'active' })
        .returning({ id: mlModels.id });
      ids.set(model.scope, row!.id);
    }
  });
  return ids;
}

/** The active model of each scope of a kind: id, version and artifact. */
export async function activeModels(db: Db, p: { kind: ModelKind }): Promise<Map<string, MlModel>> {
  const rows = await db
    .select()
    .from(mlModels)
    .where(and(eq(mlModels.kind, p.kind), eq(mlModels.status, 'active')));
  return new Map(rows.map((r) => [r.scope, r]));
}

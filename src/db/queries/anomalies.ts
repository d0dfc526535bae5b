import { and, asc, desc, eq, gte, ilike, inArray, isNotNull, lte, notExists, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client.js';
import type { CostBasis } from '../../cost/cost-basis.js';
import { alerts, anomalies, costDaily, type Anomaly, type AnomalyFeedback } from '../schema/index.js';
import { keysetAfter, keysetOrder, type SortOrder } from './keyset.js';
import { SEVERITIES, type Severity } from '../../ml/anomaly/severity.js';

/** Severities from lowest to highest; a filter on one means "this or worse". */

export function severitiesAtLeast(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min));
}

export type AnomalySort = 'impact' | 'date';

/** The bot's anomaly list: filters, sort and an offset page. */
export interface AnomalyListParams {
  /** Anomalies still running on or after this day (YYYY-MM-DD). */
  fromDay: string;
  /** Only these severities; all when empty or absent. */
  severities?: readonly Severity[];
  /** Case-insensitive part of the service name. */
  service?: string;
  sort: AnomalySort;
  limit: number;
  offset: number;
}

export interface AnomalyPage {
  rows: Anomaly[];
  /** Rows matching the filters, over all pages. */
  total: number;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function listWhere(p: AnomalyListParams): SQL | undefined {
  const conditions: SQL[] = [gte(anomalies.endDay, p.fromDay)];
  if (p.severities !== undefined && p.severities.length > 0)
    conditions.push(inArray(anomalies.severity, [...p.severities]));
  if (p.service !== undefined && p.service !== '')
    conditions.push(ilike(anomalies.service, `%${escapeLike(p.service)}%`));
  return and(...conditions);
}

/**
 * One page of anomalies and the total count. The count is its own query (run in parallel): a
 * `count(*) over ()` on the page query would make PostgreSQL build every matching row, root-cause
 * JSON included, before the limit.
 */
export async function listAnomalies(db: Db, p: AnomalyListParams): Promise<AnomalyPage> {
  // Impact is signed (a drop in spend is negative): the largest deviation either way comes first.
  const size = sql`abs(${anomalies.impactUsd}) desc`;
  const order =
    p.sort === 'impact'
      ? [size, desc(anomalies.startDay), asc(anomalies.id)]
      : [desc(anomalies.startDay), size, asc(anomalies.id)];
  const where = listWhere(p);
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(anomalies)
      .where(where)
      .orderBy(...order)
      .limit(p.limit)
      .offset(p.offset),
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(anomalies)
      .where(where),
  ]);
  return { rows, total: count?.n ?? 0 };
}

/** Services with anomalies ending on or after `fromDay`, most anomalies first (for the service filter). */
export async function anomalyServices(db: Db, p: { fromDay: string; limit: number }): Promise<string[]> {
  const rows = await db
    .select({ service: anomalies.service })
    .from(anomalies)
    .where(and(gte(anomalies.endDay, p.fromDay), isNotNull(anomalies.service)))
    .groupBy(anomalies.service)
    .orderBy(desc(sql`count(*)`), asc(anomalies.service))
    .limit(p.limit);
  return rows.flatMap((r) => (r.service === null ? [] : [r.service]));
}

export async function getAnomaly(db: Db, id: number): Promise<Anomaly | undefined> {
  const [row] = await db.select().from(anomalies).where(eq(anomalies.id, id));
  return row;
}

export interface DailyCost {
  day: string;
  usd: number;
}

/** The dimensions of a cost scope; absent = all. */
export interface CostScopeFilter {
  accountId: string | null;
  service: string | null;
  region: string | null;
  usageType?: string;
}

/** The cost_daily column of each basis. */
const BASIS_COLUMN = {
  unblended: costDaily.unblendedUsd,
  amortized: costDaily.amortizedUsd,
  'net-amortized': costDaily.netAmortizedUsd,
} as const;

/**
 * Daily cost of a scope (its account, service, region and usage type when set) between two days
 * in `basis`; a day where some row lacks the basis is left out rather than summed short.
 */
export async function anomalyCostSeries(
  db: Db,
  a: CostScopeFilter,
  fromDay: string,
  toDay: string,
  basis: CostBasis,
): Promise<DailyCost[]> {
  const column = BASIS_COLUMN[basis];
  const conditions: SQL[] = [gte(costDaily.day, fromDay), lte(costDaily.day, toDay)];
  if (a.accountId !== null) conditions.push(eq(costDaily.accountId, a.accountId));
  if (a.service !== null) conditions.push(eq(costDaily.service, a.service));
  if (a.region !== null) conditions.push(eq(costDaily.region, a.region));
  if (a.usageType !== undefined) conditions.push(eq(costDaily.usageType, a.usageType));
  const rows = await db
    .select({
      day: sql<string>`${costDaily.day}::text`,
      usd: sql<number>`sum(${column})`.mapWith(Number),
    })
    .from(costDaily)
    .where(and(...conditions))
    .groupBy(costDaily.day)
    .having(sql`count(${column}) = count(*)`)
    .orderBy(costDaily.day);
  return rows;
}

export interface FeedbackParams {
  id: number;
  feedback: AnomalyFeedback;
  by: string;
  at: Date;
}

/** Stores a user's verdict on an anomaly; the latest answer wins. Returns the row, or undefined for an unknown id. */
export async function setAnomalyFeedback(db: Db, p: FeedbackParams): Promise<Anomaly | undefined> {
  const [row] = await db
    .update(anomalies)
    .set({ feedback: p.feedback, feedbackBy: p.by, feedbackAt: p.at })
    .where(eq(anomalies.id, p.id))
    .returning();
  return row;
}

// --- JSON API (src/api): keyset-paged list with the API's filters -------------------------------

export type AnomalyKeysetSort = 'impact' | 'date' | 'score';

/** `GET /api/ml/anomalies`: exact-match filters, a sort, and the key to start after. */
export interface AnomalyKeysetParams {
  /** Only these severities; all when absent. */
  severities?: readonly Severity[];
  /** Anomalies still running on or after this day (YYYY-MM-DD). */
  fromDay?: string;
  /** Anomalies that started on or before this day (YYYY-MM-DD). */
  toDay?: string;
  accountId?: string;
  /** Exact service name, e.g. AmazonEC2. */
  service?: string;
  /** impact = impact_usd, date = start_day, score = score; ties broken by id. */
  sort: AnomalyKeysetSort;
  order: SortOrder;
  limit: number;
  /** The sort value and id of the last row of the previous page. */
  after?: { value: number | string; id: number };
}

function anomalySortKey(sort: AnomalyKeysetSort) {
  if (sort === 'impact') return { column: anomalies.impactUsd, cast: 'float8' };
  if (sort === 'score') return { column: anomalies.score, cast: 'float8' };
  return { column: anomalies.startDay, cast: 'date' };
}

/** One page of anomalies after `after`, and whether more follow. */
export async function listAnomaliesKeyset(
  db: Db,
  p: AnomalyKeysetParams,
): Promise<{ rows: Anomaly[]; hasMore: boolean }> {
  const key = anomalySortKey(p.sort);
  const conditions: SQL[] = [];
  if (p.severities !== undefined) conditions.push(inArray(anomalies.severity, [...p.severities]));
  if (p.fromDay !== undefined) conditions.push(gte(anomalies.endDay, p.fromDay));
  if (p.toDay !== undefined) conditions.push(lte(anomalies.startDay, p.toDay));
  if (p.accountId !== undefined) conditions.push(eq(anomalies.accountId, p.accountId));
  if (p.service !== undefined) conditions.push(eq(anomalies.service, p.service));
  if (p.after !== undefined) {
    const afterKey = sql`${p.after.value}::${sql.raw(key.cast)}`;
    conditions.push(keysetAfter(key.column, anomalies.id, p.order, afterKey, sql`${p.after.id}::int`));
  }
  const rows = await db
    .select()
    .from(anomalies)
    .where(and(...conditions))
    .orderBy(...keysetOrder(key.column, anomalies.id, p.order))
    .limit(p.limit + 1);
  return { rows: rows.slice(0, p.limit), hasMore: rows.length > p.limit };
}

// --- Scoring job: writes ------------------------------------------------------------------------

export type AnomalyUpsert = Omit<
  typeof anomalies.$inferInsert,
  'id' | 'createdAt' | 'updatedAt' | 'feedback' | 'feedbackBy' | 'feedbackAt'
>;

/** An event's anomaly as the scoring job writes it, with the other scopes that saw the same event. */
export type EventUpsert = AnomalyUpsert & { sameEventScopes: readonly string[] };

const overlapping = (a: Pick<Anomaly, 'startDay' | 'endDay'>, b: Pick<Anomaly, 'startDay' | 'endDay'>) =>
  a.startDay <= b.endDay && b.startDay <= a.endDay;

/** The stored row of an event's own scope and start day. */
const sameRow = (row: EventUpsert, c: Anomaly) => c.scope === row.scope && c.startDay === row.startDay;

/** A stored row of one of the event's scopes over its days, moving the same way. */
function sameEvent(row: EventUpsert, c: Anomaly): boolean {
  const scopes = new Set([row.scope, ...row.sameEventScopes]);
  return scopes.has(c.scope) && overlapping(c, row) && Math.sign(c.impactUsd) === Math.sign(row.impactUsd);
}

/**
 * Writes the scoring run's events in one transaction. An event already stored, at its scope or at
 * any scope that saw it (the scope reported can move to a more specific one as the event grows), is
 * updated in place: its id, feedback and alerts carry over. Stored anomalies of the window
 * (ending on or after `fromDay`) that no event continues any more (a restated day removed them, or
 * they fell under the thresholds) are withdrawn, unless someone answered them or they were alerted.
 */
export async function upsertAnomalyEvents(
  db: Db,
  p: { rows: readonly EventUpsert[]; at: Date; fromDay: string },
): Promise<{ written: { id: number; inserted: boolean }[]; withdrawn: number }> {
  return db.transaction(async (tx) => {
    // Every row the run may continue, withdraw or collide with on (scope, start day).
    const firstStart = p.rows.reduce((min, r) => (r.startDay < min ? r.startDay : min), p.fromDay);
    const existing = await tx
      .select()
      .from(anomalies)
      .where(or(gte(anomalies.endDay, p.fromDay), gte(anomalies.startDay, firstStart), eq(anomalies.status, 'open')));
    const free = new Set(existing);
    // Exact continuations first, so that a looser match never takes another event's own row.
    const target = new Map<EventUpsert, Anomaly>();
    for (const matches of [sameRow, sameEvent]) {
      for (const row of p.rows) {
        if (target.has(row)) continue;
        const found = [...free].find((c) => matches(row, c));
        if (found === undefined) continue;
        target.set(row, found);
        free.delete(found);
      }
    }
    const written: { id: number; inserted: boolean }[] = [];
    for (const eventRow of p.rows) {
      const { sameEventScopes: _folded, ...row } = eventRow;
      const stored = target.get(eventRow);
      if (stored === undefined) {
        const [r] = await tx
          .insert(anomalies)
          .values({ ...row, updatedAt: p.at })
          .returning({ id: anomalies.id });
        written.push({ id: r!.id, inserted: true });
        continue;
      }
      await tx
        .update(anomalies)
        .set({ ...row, updatedAt: p.at })
        .where(eq(anomalies.id, stored.id));
      written.push({ id: stored.id, inserted: false });
    }
    const stale = [...free].filter((a) => a.endDay >= p.fromDay && a.feedback === null).map((a) => a.id);
    const withdrawn =
      stale.length === 0
        ? []
        : await tx
            .delete(anomalies)
            .where(
              and(
                inArray(anomalies.id, stale),
                notExists(
                  tx
                    .select({ one: sql`1` })
                    .from(alerts)
                    .where(eq(alerts.anomalyId, anomalies.id)),
                ),
              ),
            )
            .returning({ id: anomalies.id });
    return { written, withdrawn: withdrawn.length };
  });
}

/** Anomalies of these scopes that users marked "expected" or "not an anomaly" since a day. */
export async function dismissedAnomalies(db: Db, p: { sinceDay: string }): Promise<Anomaly[]> {
  return db
    .select()
    .from(anomalies)
    .where(and(inArray(anomalies.feedback, ['expected', 'not-anomaly']), gte(anomalies.endDay, p.sinceDay)));
}

import { and, asc, desc, eq, exists, gte, inArray, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';
import { alerts, anomalies, type Alert, type Anomaly } from '../schema/index.js';
import type { Severity } from '../../ml/anomaly/severity.js';

/**
 * "ended": the thread said the anomaly is over and nothing more is posted about it. The scoring
 * job rewrites every anomaly on each run, so only this marker tells an announced end from a new one.
 */

export function isEnded(a: Alert): boolean {
  return a.status === 'ended';
}

export interface AlertCandidate {
  anomaly: Anomaly;
  /** What was already posted about it, one row per channel. */
  alerts: Alert[];
  /** Of the wanted severities and running on or after `fromDay`: may be posted as new. */
  eligible: boolean;
}

/**
 * Anomalies of these severities still running on or after `fromDay`, and every anomaly with a
 * posted alert whose end was not told yet (whatever its end day or current severity, so that its
 * thread always hears how it ended), with what was posted about them.
 */
export async function alertCandidates(
  db: Db,
  p: { severities: readonly Severity[]; fromDay: string },
): Promise<AlertCandidate[]> {
  const followed = alias(alerts, 'followed');
  const wanted = and(inArray(anomalies.severity, [...p.severities]), gte(anomalies.endDay, p.fromDay));
  const rows = await db
    .select({ anomaly: anomalies, alert: alerts })
    .from(anomalies)
    .leftJoin(alerts, eq(alerts.anomalyId, anomalies.id))
    .where(
      or(
        wanted,
        exists(
          db
            .select({ one: sql`1` })
            .from(followed)
            .where(and(eq(followed.anomalyId, anomalies.id), inArray(followed.status, ['posted', 'updated']))),
        ),
      ),
    )
    .orderBy(anomalies.startDay, anomalies.id);
  const byId = new Map<number, AlertCandidate>();
  for (const r of rows) {
    const eligible = p.severities.includes(r.anomaly.severity) && r.anomaly.endDay >= p.fromDay;
    const c = byId.get(r.anomaly.id) ?? { anomaly: r.anomaly, alerts: [], eligible };
    if (r.alert !== null) c.alerts.push(r.alert);
    byId.set(r.anomaly.id, c);
  }
  return [...byId.values()];
}

export interface ClaimParams {
  anomalyId: number;
  channel: string;
  severity: Severity;
  impactUsd: number;
  endDay: string;
  at: Date;
}

/** A claim left pending this long is taken to be from a crashed run and may be claimed again. */
const STALE_CLAIM_MS = 10 * 60_000;

/**
 * Claims the right to post an anomaly to a channel: inserts a pending row, or re-takes a failed or
 * stale one. Undefined when another run holds it or it was posted: the alert goes out once.
 */
export async function claimAlert(db: Db, p: ClaimParams): Promise<Alert | undefined> {
  const staleBefore = new Date(p.at.getTime() - STALE_CLAIM_MS);
  const [row] = await db
    .insert(alerts)
    .values({
      anomalyId: p.anomalyId,
      channel: p.channel,
      postedSeverity: p.severity,
      postedImpactUsd: p.impactUsd,
      postedEndDay: p.endDay,
      status: 'pending',
      createdAt: p.at,
      updatedAt: p.at,
    })
    .onConflictDoUpdate({
      target: [alerts.anomalyId, alerts.channel],
      set: {
        status: 'pending',
        updatedAt: p.at,
        postedSeverity: p.severity,
        postedImpactUsd: p.impactUsd,
        postedEndDay: p.endDay,
      },
      setWhere: or(eq(alerts.status, 'failed'), and(eq(alerts.status, 'pending'), lt(alerts.updatedAt, staleBefore))),
    })
    .returning();
  return row;
}

/** The alert went out; an anomaly already over when posted is marked ended at once (no "ended" reply later). */
export async function markAlertPosted(
  db: Db,
  p: { id: number; messageTs: string; digestTs?: string; ended: boolean; at: Date },
): Promise<void> {
  await db
    .update(alerts)
    .set({
      status: p.ended ? 'ended' : 'posted',
      messageTs: p.messageTs,
      digestTs: p.digestTs ?? null,
      updatedAt: p.at,
    })
    .where(eq(alerts.id, p.id));
}

export async function markAlertFailed(db: Db, p: { id: number; at: Date }): Promise<void> {
  await db
    .update(alerts)
    .set({ status: 'failed', updatedAt: p.at })
    .where(and(eq(alerts.id, p.id), eq(alerts.status, 'pending')));
}

/**
 * Records that the thread was updated with the anomaly's new figures (and whether it ended).
 * Conditional on the alert's previous `updatedAt`, so two runs never post the same update twice.
 */
export async function recordAlertUpdate(
  db: Db,
  p: {
    id: number;
    previousUpdatedAt: Date;
    severity: Severity;
    impactUsd: number;
    endDay: string;
    ended: boolean;
    at: Date;
  },
): Promise<boolean> {
  const rows = await db
    .update(alerts)
    .set({
      status: p.ended ? 'ended' : 'updated',
      postedSeverity: p.severity,
      postedImpactUsd: p.impactUsd,
      postedEndDay: p.endDay,
      updatedAt: p.at,
    })
    .where(and(eq(alerts.id, p.id), sql`${alerts.updatedAt} = ${p.previousUpdatedAt.toISOString()}::timestamptz`))
    .returning({ id: alerts.id });
  return rows.length === 1;
}

/** The alerts posted as this message (or in this digest), largest |impact| first (a drop as a rise), for "explain this cost". */
export async function findAlertsByMessage(db: Db, p: { channel: string; messageTs: string }): Promise<Alert[]> {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.channel, p.channel), or(eq(alerts.messageTs, p.messageTs), eq(alerts.digestTs, p.messageTs))))
    .orderBy(desc(sql`abs(${alerts.postedImpactUsd})`), asc(alerts.id));
}

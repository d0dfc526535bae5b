import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '../client.js';
import {
  actionEvents,
  actions,
  type Action,
  type ActionEvent,
  type ActionStatus,
  type NewAction,
} from '../schema/index.js';

/**
 * Every state change of an action is one conditional UPDATE (`where status = <expected>`), so two
 * clicks, two approvers or a replayed payload race in PostgreSQL and exactly one of them wins.
 */

export type CreateActionResult = { created: true; action: Action } | { created: false; existing: Action };

/** Records an apply request; when the instance already has an open one, returns that instead (one open per instance). */
export async function createActionRequest(
  db: Db,
  p: Omit<NewAction, 'id' | 'status' | 'decidedBy' | 'decidedAt' | 'error' | 'finishedAt'>,
): Promise<CreateActionResult> {
  return db.transaction(async (tx) => {
    const [action] = await tx
      .insert(actions)
      .values({ ...p, status: 'pending-approval' })
      .onConflictDoNothing()
      .returning();
    if (action !== undefined) {
      await tx.insert(actionEvents).values({
        actionId: action.id,
        actor: p.requestedBy,
        step: 'requested',
        outcome: 'info',
        detail: {},
        at: action.requestedAt,
      });
      return { created: true, action };
    }
    const [existing] = await tx
      .select()
      .from(actions)
      .where(
        and(eq(actions.instanceId, p.instanceId), inArray(actions.status, ['pending-approval', 'approved', 'running'])),
      );
    if (existing === undefined)
      throw new Error(`apply request for ${p.instanceId} conflicted but no open request was found`);
    return { created: false, existing };
  });
}

export async function getAction(db: Db, id: number): Promise<Action | undefined> {
  const [row] = await db.select().from(actions).where(eq(actions.id, id));
  return row;
}

/** Where to post the approval request: set once the message exists. */
export async function setActionMessage(db: Db, p: { id: number; channel: string; messageTs: string }): Promise<void> {
  await db.update(actions).set({ channel: p.channel, messageTs: p.messageTs }).where(eq(actions.id, p.id));
}

export interface DecideParams {
  id: number;
  decision: 'approved' | 'rejected';
  by: string;
  at: Date;
}

/**
 * Approves or rejects a pending, unexpired request. Returns the updated row, or undefined when
 * the request was not pending any more (already decided, expired, or unknown): nothing changed.
 */
export async function decideAction(db: Db, p: DecideParams): Promise<Action | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(actions)
      .set({ status: p.decision, decidedBy: p.by, decidedAt: p.at })
      .where(and(eq(actions.id, p.id), eq(actions.status, 'pending-approval'), gt(actions.expiresAt, p.at)))
      .returning();
    if (row !== undefined) {
      await tx
        .insert(actionEvents)
        .values({ actionId: row.id, actor: p.by, step: p.decision, outcome: 'info', detail: {}, at: p.at });
    }
    return row;
  });
}

/** Marks a pending request past its expiry as expired. Returns the row when it changed. */
export async function expireAction(db: Db, p: { id: number; at: Date }): Promise<Action | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(actions)
      .set({ status: 'expired', finishedAt: p.at })
      .where(and(eq(actions.id, p.id), eq(actions.status, 'pending-approval'), lte(actions.expiresAt, p.at)))
      .returning();
    if (row !== undefined) {
      await tx
        .insert(actionEvents)
        .values({ actionId: row.id, actor: 'costbot', step: 'expired', outcome: 'info', detail: {}, at: p.at });
    }
    return row;
  });
}

/** approved -> running. Undefined when the action is not approved (already running, finished, replayed job). */
export async function startAction(db: Db, p: { id: number; at: Date }): Promise<Action | undefined> {
  const [row] = await db
    .update(actions)
    .set({ status: 'running' })
    .where(and(eq(actions.id, p.id), eq(actions.status, 'approved')))
    .returning();
  return row;
}

export type FinalStatus = Extract<ActionStatus, 'succeeded' | 'failed' | 'rolled-back'>;

/** running -> succeeded | failed | rolled-back, once. */
export async function finishAction(
  db: Db,
  p: { id: number; status: FinalStatus; error?: string; at: Date },
): Promise<Action | undefined> {
  const [row] = await db
    .update(actions)
    .set({ status: p.status, error: p.error ?? null, finishedAt: p.at })
    .where(and(eq(actions.id, p.id), eq(actions.status, 'running')))
    .returning();
  return row;
}

export interface ActionEventParams {
  actionId: number;
  actor: string;
  step: string;
  outcome: ActionEvent['outcome'];
  detail?: Record<string, unknown>;
  at: Date;
}

/** Appends one step to the audit trail. */
export async function recordActionEvent(db: Db, p: ActionEventParams): Promise<void> {
  await db.insert(actionEvents).values({ ...p, detail: p.detail ?? {} });
}

/** The succeeded action that applied a recommendation, if any. */
export async function appliedActionOf(db: Db, recommendationId: number): Promise<Action | undefined> {
  const [row] = await db
    .select()
    .from(actions)
    .where(and(eq(actions.recommendationId, recommendationId), eq(actions.status, 'succeeded')))
    .limit(1);
  return row;
}

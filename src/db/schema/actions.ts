import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { recommendations } from './recommendations.js';

export type ActionStatus =
  'pending-approval' | 'approved' | 'rejected' | 'expired' | 'running' | 'succeeded' | 'failed' | 'rolled-back';

/** "Apply recommendation" requests: who asked, who approved, what ran. The audit trail with action_events. */
export const actions = pgTable(
  'actions',
  {
    id: serial('id').primaryKey(),
    recommendationId: integer('recommendation_id')
      .notNull()
      .references(() => recommendations.id),
    instanceId: text('instance_id').notNull(),
    accountId: text('account_id').notNull(),
    region: text('region').notNull(),
    fromType: text('from_type').notNull(),
    toType: text('to_type').notNull(),
    status: text('status').$type<ActionStatus>().notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    channel: text('channel'),
    messageTs: text('message_ts'),
    error: text('error'),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    // One open request per instance: a double click or a replayed payload finds the existing one.
    uniqueIndex('actions_one_open_per_instance_key')
      .on(t.instanceId)
      .where(sql`${t.status} in ('pending-approval', 'approved', 'running')`),
    index('actions_recommendation_idx').on(t.recommendationId),
  ],
);

/** Every step of every action, append-only. */
export const actionEvents = pgTable(
  'action_events',
  {
    id: serial('id').primaryKey(),
    actionId: integer('action_id')
      .notNull()
      .references(() => actions.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    step: text('step').notNull(),
    outcome: text('outcome').$type<'ok' | 'failed' | 'info'>().notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('action_events_action_idx').on(t.actionId, t.at)],
);

export type Action = typeof actions.$inferSelect;
export type NewAction = typeof actions.$inferInsert;
export type ActionEvent = typeof actionEvents.$inferSelect;

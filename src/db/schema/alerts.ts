import { doublePrecision, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { anomalies } from './anomalies.js';

/** What was posted where: one row per anomaly and channel, so an alert goes out once and is then updated in its thread. */
export const alerts = pgTable(
  'alerts',
  {
    id: serial('id').primaryKey(),
    anomalyId: integer('anomaly_id')
      .notNull()
      .references(() => anomalies.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    messageTs: text('message_ts'),
    /** Set when the alert went out inside a digest message. */
    digestTs: text('digest_ts'),
    postedSeverity: text('posted_severity').notNull(),
    postedImpactUsd: doublePrecision('posted_impact_usd').notNull(),
    postedEndDay: text('posted_end_day').notNull(),
    /** 'ended': the anomaly's end was already told in the thread (so it is told once). */
    status: text('status').$type<'pending' | 'posted' | 'updated' | 'ended' | 'failed'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('alerts_anomaly_channel_key').on(t.anomalyId, t.channel)],
);

export type Alert = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;

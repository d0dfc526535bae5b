import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Account display names, from the cost sources that carry them (CUR 2.0
 * line_item_usage_account_name, FOCUS SubAccountName; the legacy CUR has none), so that an account
 * can be shown as "name (id)". The newest name a source reported wins.
 */
export const accounts = pgTable('accounts', {
  accountId: text('account_id').primaryKey(),
  name: text('name').notNull(),
  /** Where the name came from: 'cur2' or 'focus'. */
  source: text('source').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type Account = typeof accounts.$inferSelect;

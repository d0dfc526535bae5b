import { boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** EC2 instances as DescribeInstances last saw them, one row per instance id. */
export const instances = pgTable(
  'instances',
  {
    instanceId: text('instance_id').primaryKey(),
    accountId: text('account_id').notNull(),
    region: text('region').notNull(),
    availabilityZone: text('availability_zone'),
    instanceType: text('instance_type').notNull(),
    state: text('state').notNull(),
    launchTime: timestamp('launch_time', { withTimezone: true }),
    /** PlatformDetails, e.g. "Windows", "Red Hat Enterprise Linux". */
    platform: text('platform'),
    /** UsageOperation, the billing code of the platform ("RunInstances:0002" is Windows); null when not reported. */
    usageOperation: text('usage_operation'),
    /** Placement.Tenancy: "default", "dedicated" or "host"; null when not reported (shared). */
    tenancy: text('tenancy'),
    architecture: text('architecture'),
    /** "on-demand", "spot" or "scheduled" (DescribeInstances InstanceLifecycle, absent = on-demand). */
    lifecycle: text('lifecycle').notNull(),
    rootDeviceType: text('root_device_type'),
    tags: jsonb('tags').$type<Record<string, string>>().notNull().default({}),
    autoScalingGroup: text('auto_scaling_group'),
    /** null until metrics were looked for; false = no CWAgent mem_used_percent (never guessed). */
    hasMemoryMetric: boolean('has_memory_metric'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('instances_account_region_idx').on(t.accountId, t.region), index('instances_state_idx').on(t.state)],
);

export type Instance = typeof instances.$inferSelect;
export type NewInstance = typeof instances.$inferInsert;

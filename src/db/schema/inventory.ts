import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

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
    platform: text('platform'),
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

/** Instance type specs from DescribeInstanceTypes or a catalog CSV. */
export const instanceTypes = pgTable('instance_types', {
  instanceType: text('instance_type').primaryKey(),
  family: text('family').notNull(),
  vcpu: integer('vcpu').notNull(),
  memoryMib: integer('memory_mib').notNull(),
  networkPerformance: text('network_performance'),
  networkBandwidthMbps: doublePrecision('network_bandwidth_mbps'),
  ebsBandwidthMbps: doublePrecision('ebs_bandwidth_mbps'),
  arch: text('arch').notNull(),
  burstable: boolean('burstable').notNull(),
  baselineCpuPercent: doublePrecision('baseline_cpu_percent'),
  currentGeneration: boolean('current_generation').notNull(),
  gpuCount: integer('gpu_count').notNull().default(0),
  source: text('source').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** On-demand Linux shared-tenancy hourly price per type and region; a missing row means unknown. */
export const prices = pgTable(
  'prices',
  {
    instanceType: text('instance_type').notNull(),
    region: text('region').notNull(),
    usdPerHour: doublePrecision('usd_per_hour').notNull(),
    source: text('source').notNull(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.instanceType, t.region] }), index('prices_region_idx').on(t.region)],
);

export type Instance = typeof instances.$inferSelect;
export type NewInstance = typeof instances.$inferInsert;
export type InstanceTypeRow = typeof instanceTypes.$inferSelect;
export type NewInstanceTypeRow = typeof instanceTypes.$inferInsert;
export type PriceRow = typeof prices.$inferSelect;
export type NewPriceRow = typeof prices.$inferInsert;

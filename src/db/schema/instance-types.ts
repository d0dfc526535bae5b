import { boolean, doublePrecision, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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

export type InstanceTypeRow = typeof instanceTypes.$inferSelect;
export type NewInstanceTypeRow = typeof instanceTypes.$inferInsert;

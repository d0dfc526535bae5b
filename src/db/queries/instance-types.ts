import { asc, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type { InstanceTypeSpec } from '../../catalog/types.js';
import type { Db } from '../client.js';
import { instances, instanceTypes, type InstanceTypeRow } from '../schema/index.js';
import { chunksFor, excluded } from './batch-upsert.js';

export interface UpsertInstanceTypesParams {
  specs: readonly (InstanceTypeSpec & { networkPerformance?: string | null })[];
  /** e.g. "ec2-api:us-east-1" or "catalog:ec2-us-east-1-2026-07.csv". */
  source: string;
  updatedAt: Date;
}

/**
 * Inserts or refreshes instance types in one transaction. A figure the new source lacks (null
 * network label or bandwidth, burstable baseline) keeps the stored one: DescribeInstanceTypes
 * publishes no baseline and older types no bandwidth, while a catalog CSV may have them.
 */
export async function upsertInstanceTypes(db: Db, p: UpsertInstanceTypesParams): Promise<number> {
  if (p.specs.length === 0) return 0;
  const values = p.specs.map((s) => ({
    instanceType: s.instanceType,
    family: s.family,
    vcpu: s.vcpu,
    memoryMib: s.memoryMib,
    networkPerformance: s.networkPerformance ?? null,
    networkBandwidthMbps: s.networkBandwidthMbps,
    ebsBandwidthMbps: s.ebsBandwidthMbps,
    arch: s.arch,
    burstable: s.burstable,
    baselineCpuPercent: s.baselineCpuPercent,
    currentGeneration: s.currentGeneration,
    gpuCount: s.gpuCount,
    source: p.source,
    updatedAt: p.updatedAt,
  }));
  const keep = (
    column:
      | typeof instanceTypes.networkPerformance
      | typeof instanceTypes.networkBandwidthMbps
      | typeof instanceTypes.ebsBandwidthMbps
      | typeof instanceTypes.baselineCpuPercent,
  ) => sql`coalesce(${excluded(column)}, ${column})`;
  await db.transaction(async (tx) => {
    for (const chunk of chunksFor(values, 14)) {
      await tx
        .insert(instanceTypes)
        .values(chunk)
        .onConflictDoUpdate({
          target: instanceTypes.instanceType,
          set: {
            family: excluded(instanceTypes.family),
            vcpu: excluded(instanceTypes.vcpu),
            memoryMib: excluded(instanceTypes.memoryMib),
            networkPerformance: keep(instanceTypes.networkPerformance),
            networkBandwidthMbps: keep(instanceTypes.networkBandwidthMbps),
            ebsBandwidthMbps: keep(instanceTypes.ebsBandwidthMbps),
            arch: excluded(instanceTypes.arch),
            burstable: excluded(instanceTypes.burstable),
            baselineCpuPercent: keep(instanceTypes.baselineCpuPercent),
            currentGeneration: excluded(instanceTypes.currentGeneration),
            gpuCount: excluded(instanceTypes.gpuCount),
            source: excluded(instanceTypes.source),
            updatedAt: excluded(instanceTypes.updatedAt),
          },
        });
    }
  });
  return values.length;
}

/** Stored types, all or the named ones, by name. */
export async function listInstanceTypes(db: Db, names?: readonly string[]): Promise<InstanceTypeRow[]> {
  const q = db.select().from(instanceTypes);
  return (names ? q.where(inArray(instanceTypes.instanceType, [...names])) : q).orderBy(
    asc(instanceTypes.instanceType),
  );
}

/** A stored row in the InstanceTypeSpec shape src/ml and the catalog use. */
export function toInstanceTypeSpec(row: InstanceTypeRow): InstanceTypeSpec {
  return {
    instanceType: row.instanceType,
    family: row.family,
    vcpu: row.vcpu,
    memoryMib: row.memoryMib,
    networkBandwidthMbps: row.networkBandwidthMbps,
    ebsBandwidthMbps: row.ebsBandwidthMbps,
    arch: row.arch === 'arm64' ? 'arm64' : 'x86_64',
    burstable: row.burstable,
    baselineCpuPercent: row.baselineCpuPercent,
    currentGeneration: row.currentGeneration,
    gpuCount: row.gpuCount,
  };
}

export interface TypeSpecStatus {
  /** When specs from `sourcePrefix` were last written; null when there are none. */
  newestUpdate: Date | null;
  /** Instance types of stored instances that have no spec row. */
  missing: string[];
}

/** How fresh the specs from a source are, and which inventoried types lack one. */
export async function typeSpecStatus(db: Db, p: { sourcePrefix: string }): Promise<TypeSpecStatus> {
  const [newest] = await db
    .select({ at: sql<Date | null>`max(${instanceTypes.updatedAt})`.mapWith(instanceTypes.updatedAt) })
    .from(instanceTypes)
    .where(like(instanceTypes.source, `${p.sourcePrefix}%`));
  const missing = await db
    .selectDistinct({ type: instances.instanceType })
    .from(instances)
    .leftJoin(instanceTypes, eq(instanceTypes.instanceType, instances.instanceType))
    .where(isNull(instanceTypes.instanceType))
    .orderBy(asc(instances.instanceType));
  return { newestUpdate: newest?.at ?? null, missing: missing.map((m) => m.type) };
}

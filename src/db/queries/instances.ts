import { and, asc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { instances, type Instance, type NewInstance } from '../schema/index.js';
import { chunksFor, excluded } from './batch-upsert.js';

/** An instance as DescribeInstances reported it (src/aws/ec2-inventory.ts InventoryInstance). */
export type InstanceSnapshot = Omit<NewInstance, 'firstSeenAt' | 'lastSeenAt' | 'hasMemoryMetric'>;

export interface UpsertInstancesParams {
  rows: readonly InstanceSnapshot[];
  /** When this listing was taken; becomes lastSeenAt (and firstSeenAt of new rows). */
  seenAt: Date;
}

/**
 * Inserts or refreshes instances by id in one transaction. firstSeenAt and hasMemoryMetric
 * (set by the metrics job) are kept on update. Returns the number of rows written.
 */
export async function upsertInstances(db: Db, p: UpsertInstancesParams): Promise<number> {
  if (p.rows.length === 0) return 0;
  const values = p.rows.map((r) => ({ ...r, firstSeenAt: p.seenAt, lastSeenAt: p.seenAt }));
  await db.transaction(async (tx) => {
    for (const chunk of chunksFor(values, 16)) {
      await tx
        .insert(instances)
        .values(chunk)
        .onConflictDoUpdate({
          target: instances.instanceId,
          set: {
            accountId: excluded(instances.accountId),
            region: excluded(instances.region),
            availabilityZone: excluded(instances.availabilityZone),
            instanceType: excluded(instances.instanceType),
            state: excluded(instances.state),
            launchTime: excluded(instances.launchTime),
            platform: excluded(instances.platform),
            usageOperation: excluded(instances.usageOperation),
            tenancy: excluded(instances.tenancy),
            architecture: excluded(instances.architecture),
            lifecycle: excluded(instances.lifecycle),
            rootDeviceType: excluded(instances.rootDeviceType),
            tags: excluded(instances.tags),
            autoScalingGroup: excluded(instances.autoScalingGroup),
            lastSeenAt: excluded(instances.lastSeenAt),
          },
        });
    }
  });
  return values.length;
}

/** State given to instances a complete DescribeInstances listing no longer returns (terminated and gone). */
export const NOT_FOUND_STATE = 'not-found';

export interface MarkNotFoundParams {
  accountId: string;
  region: string;
  /** The seenAt of the complete listing: rows last seen before it were not in it. */
  listedAt: Date;
}

/** Marks the instances of an account and region that a complete listing did not return. */
export async function markInstancesNotFound(db: Db, p: MarkNotFoundParams): Promise<number> {
  const rows = await db
    .update(instances)
    .set({ state: NOT_FOUND_STATE })
    .where(
      and(
        eq(instances.accountId, p.accountId),
        eq(instances.region, p.region),
        lt(instances.lastSeenAt, p.listedAt),
        ne(instances.state, NOT_FOUND_STATE),
      ),
    )
    .returning({ id: instances.instanceId });
  return rows.length;
}

export interface ListInstancesParams {
  /** Only these states. @defaultValue ["running"] */
  states?: readonly string[];
  /** Only these regions. */
  regions?: readonly string[];
  /** Only these instance ids. */
  instanceIds?: readonly string[];
}

/** Instances by state (running by default), ordered by account, region and id. */
export async function listInstances(db: Db, p: ListInstancesParams = {}): Promise<Instance[]> {
  const conditions = [inArray(instances.state, [...(p.states ?? ['running'])])];
  if (p.regions) conditions.push(inArray(instances.region, [...p.regions]));
  if (p.instanceIds) conditions.push(inArray(instances.instanceId, [...p.instanceIds]));
  return db
    .select()
    .from(instances)
    .where(and(...conditions))
    .orderBy(asc(instances.accountId), asc(instances.region), asc(instances.instanceId));
}

export interface MemoryMetricFlags {
  /** Instances whose CloudWatch agent publishes CWAgent mem_used_percent. */
  withMemory: readonly string[];
  /** Instances looked for and not found: recorded as false, never guessed. */
  withoutMemory: readonly string[];
}

/** Records, per instance, whether a memory metric exists. */
export async function setMemoryMetricFlags(db: Db, p: MemoryMetricFlags): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [ids, flag] of [
      [p.withMemory, true],
      [p.withoutMemory, false],
    ] as const) {
      for (const chunk of chunksFor(ids, 1)) {
        await tx
          .update(instances)
          .set({ hasMemoryMetric: flag })
          .where(and(inArray(instances.instanceId, chunk), sql`${instances.hasMemoryMetric} is distinct from ${flag}`));
      }
    }
  });
}

/** A platform and tenancy some inventoried instance of a region runs with, for the prices job. */
export interface PlatformInUse {
  usageOperation: string | null;
  platform: string | null;
  tenancy: string | null;
}

/** The distinct (UsageOperation, PlatformDetails, tenancy) of the region's instances still listed. */
export async function listPlatformsInUse(db: Db, p: { region: string }): Promise<PlatformInUse[]> {
  return db
    .selectDistinct({
      usageOperation: instances.usageOperation,
      platform: instances.platform,
      tenancy: instances.tenancy,
    })
    .from(instances)
    .where(and(eq(instances.region, p.region), ne(instances.state, NOT_FOUND_STATE)));
}

export async function getInstance(db: Db, instanceId: string): Promise<Instance | undefined> {
  const [row] = await db.select().from(instances).where(eq(instances.instanceId, instanceId));
  return row;
}

/** The Name tag of these instances; an instance without one (or not inventoried) is absent from the map. */
export async function instanceNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ instanceId: instances.instanceId, tags: instances.tags })
    .from(instances)
    .where(inArray(instances.instanceId, [...new Set(ids)]));
  return new Map(rows.flatMap((r) => (r.tags['Name'] ? [[r.instanceId, r.tags['Name']] as [string, string]] : [])));
}

import { and, asc, eq, like, sql } from 'drizzle-orm';
import type { InstancePrice, InstanceTypeSpec } from '../../catalog/types.js';
import type { Db } from '../client.js';
import { instanceTypes, prices } from '../schema/index.js';
import { chunksFor, excluded } from './batch-upsert.js';
import { toInstanceTypeSpec } from './instance-types.js';

/**
 * Inserts or refreshes prices by (type, region) in one transaction. A price is replaced only by
 * one fetched at the same time or later, so loading an old catalog never overwrites a newer
 * Pricing API figure. Returns the number of rows offered.
 */
export async function upsertPrices(db: Db, p: { prices: readonly InstancePrice[] }): Promise<number> {
  if (p.prices.length === 0) return 0;
  await db.transaction(async (tx) => {
    for (const chunk of chunksFor(p.prices, 5)) {
      await tx
        .insert(prices)
        .values(chunk.map((r) => ({ ...r })))
        .onConflictDoUpdate({
          target: [prices.instanceType, prices.region, prices.platform, prices.tenancy],
          set: {
            usdPerHour: excluded(prices.usdPerHour),
            source: excluded(prices.source),
            fetchedAt: excluded(prices.fetchedAt),
          },
          setWhere: sql`${excluded(prices.fetchedAt)} >= ${prices.fetchedAt}`,
        });
    }
  });
  return p.prices.length;
}

export interface PriceAgeParams {
  region: string;
  /** Only this platform's prices. @defaultValue every platform */
  platform?: string;
  tenancy?: 'shared' | 'dedicated';
  /** Only prices whose source starts with this, e.g. "pricing-api". */
  sourcePrefix: string;
}

/**
 * When a region's prices from a source were last fetched (the newest fetchedAt: a fetch writes
 * the whole region in one transaction); null when there are none.
 */
export async function latestPriceFetch(db: Db, p: PriceAgeParams): Promise<Date | null> {
  const [row] = await db
    .select({ at: sql<Date | null>`max(${prices.fetchedAt})`.mapWith(prices.fetchedAt) })
    .from(prices)
    .where(
      and(
        eq(prices.region, p.region),
        like(prices.source, `${p.sourcePrefix}%`),
        p.platform === undefined ? undefined : eq(prices.platform, p.platform),
        p.tenancy === undefined ? undefined : eq(prices.tenancy, p.tenancy),
      ),
    );
  return row?.at ?? null;
}

export interface PricedType {
  spec: InstanceTypeSpec;
  price: InstancePrice;
}

/** Every type of a region that has both a spec and a price, for every platform and tenancy priced there. */
export async function listPricedTypes(db: Db, p: { region: string }): Promise<PricedType[]> {
  const rows = await db
    .select({ type: instanceTypes, price: prices })
    .from(prices)
    .innerJoin(instanceTypes, eq(instanceTypes.instanceType, prices.instanceType))
    .where(eq(prices.region, p.region))
    .orderBy(asc(prices.instanceType));
  return rows.map((r) => ({ spec: toInstanceTypeSpec(r.type), price: { ...r.price } }));
}

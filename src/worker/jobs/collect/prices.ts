import { fetchOnDemandPrices } from '../../../aws/pricing.js';
import { LINUX, platformOfInstance, tenancyOf, type Platform } from '../../../catalog/platform.js';
import type { Db } from '../../../db/client.js';
import { listPlatformsInUse } from '../../../db/queries/instances.js';
import { latestPriceFetch, upsertPrices } from '../../../db/queries/prices.js';
import type { JobContext, JobOutcome } from '../../job-types.js';
import type { CollectPricesPayload } from '../../../jobs/schemas/collect.js';
import type { AwsDeps } from './for-each-scope.js';

/** The `source` of prices this job writes. */
export const PRICING_API_SOURCE = 'pricing-api';

interface Offer {
  platform: Platform;
  tenancy: 'shared' | 'dedicated';
}

/**
 * Linux shared tenancy always (the prices most types are compared at), plus every platform and
 * tenancy an inventoried instance of the region is billed at. Host tenancy is billed per host, and a
 * platform costbot does not know has no offer to ask for: the rightsize job says so per instance.
 */
async function offersOf(db: Db, region: string): Promise<Offer[]> {
  const offers = new Map<string, Offer>([['Linux/shared', { platform: LINUX, tenancy: 'shared' }]]);
  for (const use of await listPlatformsInUse(db, { region })) {
    const platform = platformOfInstance({ usageOperation: use.usageOperation, platformDetails: use.platform });
    const tenancy = tenancyOf(use.tenancy);
    if (!platform || tenancy === 'host') continue;
    offers.set(`${platform.name}/${tenancy}`, { platform, tenancy });
  }
  return [...offers.values()];
}

/**
 * On-demand prices per instance type for each configured region, for each platform (OS and licence)
 * and tenancy its instances run with, from the Pricing API, stored with the time they were
 * fetched. An offer fetched less than PRICE_TTL_HOURS ago is left alone unless the payload forces
 * a refresh.
 */
export async function collectPrices(ctx: JobContext & AwsDeps, payload: CollectPricesPayload): Promise<JobOutcome> {
  const regions = payload.regions ?? ctx.aws.regions;
  if (regions.length === 0)
    return { counts: {}, skipped: 'no AWS region is configured (set AWS_REGION or AWS_REGIONS)' };
  const ttlMs = ctx.config.PRICE_TTL_HOURS * 3600_000;
  const counts = { regionsFetched: 0, regionsFresh: 0, offersFetched: 0, prices: 0, products: 0, getProductsCalls: 0 };
  const conflicting: Record<string, string[]> = {};
  const empty: string[] = [];

  for (const region of regions) {
    let fetchedAny = false;
    for (const { platform, tenancy } of await offersOf(ctx.db, region)) {
      const now = ctx.now();
      const key = { region, platform: platform.name, tenancy };
      const last = await latestPriceFetch(ctx.db, { ...key, sourcePrefix: PRICING_API_SOURCE });
      if (!payload.force && last && now.getTime() - last.getTime() < ttlMs) continue;
      const fetched = await fetchOnDemandPrices(ctx.aws.pricing(), { region, platform, tenancy });
      fetchedAny = true;
      counts.offersFetched++;
      counts.getProductsCalls += fetched.calls;
      counts.products += fetched.products;
      counts.prices += await upsertPrices(ctx.db, {
        prices: fetched.prices.map((p) => ({
          ...key,
          instanceType: p.instanceType,
          usdPerHour: p.usdPerHour,
          source: PRICING_API_SOURCE,
          fetchedAt: now,
        })),
      });
      const label = platform === LINUX && tenancy === 'shared' ? region : `${region} ${platform.name} ${tenancy}`;
      if (fetched.conflicting.length > 0) conflicting[label] = fetched.conflicting;
      if (fetched.prices.length === 0) empty.push(label);
      ctx.log.info(
        { region, platform: platform.name, tenancy, prices: fetched.prices.length, products: fetched.products },
        'prices fetched',
      );
    }
    if (fetchedAny) counts.regionsFetched++;
    else counts.regionsFresh++;
  }
  return { counts, details: { conflicting, regionsWithoutPrices: empty } };
}

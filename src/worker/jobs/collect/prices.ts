import { fetchLinuxOnDemandPrices } from '../../../aws/pricing.js';
import { latestPriceFetch, upsertPrices } from '../../../db/queries/prices.js';
import type { JobContext, JobOutcome } from '../../job-types.js';
import type { CollectPricesPayload } from '../../../jobs/schemas/collect.js';
import type { AwsDeps } from './for-each-scope.js';

/** The `source` of prices this job writes. */
export const PRICING_API_SOURCE = 'pricing-api';

/**
 * On-demand Linux prices per instance type for each configured region from the Pricing API,
 * stored with the time they were fetched. A region fetched less than PRICE_TTL_HOURS ago is
 * left alone unless the payload forces a refresh.
 */
export async function collectPrices(ctx: JobContext & AwsDeps, payload: CollectPricesPayload): Promise<JobOutcome> {
  const regions = payload.regions ?? ctx.aws.regions;
  if (regions.length === 0)
    return { counts: {}, skipped: 'no AWS region is configured (set AWS_REGION or AWS_REGIONS)' };
  const ttlMs = ctx.config.PRICE_TTL_HOURS * 3600_000;
  const counts = { regionsFetched: 0, regionsFresh: 0, prices: 0, products: 0, getProductsCalls: 0 };
  const conflicting: Record<string, string[]> = {};
  const empty: string[] = [];

  for (const region of regions) {
    const now = ctx.now();
    const last = await latestPriceFetch(ctx.db, { region, sourcePrefix: PRICING_API_SOURCE });
    if (!payload.force && last && now.getTime() - last.getTime() < ttlMs) {
      counts.regionsFresh++;
      continue;
    }
    const fetched = await fetchLinuxOnDemandPrices(ctx.aws.pricing(), region);
    counts.getProductsCalls += fetched.calls;
    counts.products += fetched.products;
    counts.prices += await upsertPrices(ctx.db, {
      prices: fetched.prices.map((p) => ({
        instanceType: p.instanceType,
        region,
        usdPerHour: p.usdPerHour,
        source: PRICING_API_SOURCE,
        fetchedAt: now,
      })),
    });
    counts.regionsFetched++;
    if (fetched.conflicting.length > 0) conflicting[region] = fetched.conflicting;
    if (fetched.prices.length === 0) empty.push(region);
    ctx.log.info(
      { region, prices: fetched.prices.length, products: fetched.products, conflicting: fetched.conflicting.length },
      'prices fetched',
    );
  }
  return { counts, details: { conflicting, regionsWithoutPrices: empty } };
}

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPricedTypes, upsertPrices } from '../../src/db/queries/prices.js';
import { upsertInstanceTypes } from '../../src/db/queries/instance-types.js';
import { prices } from '../../src/db/schema/index.js';
import { collectPrices } from '../../src/worker/jobs/collect/prices.js';
import { collectPricesPayload } from '../../src/jobs/schemas/collect.js';
import { toInstanceTypeSpec } from '../../src/aws/ec2-inventory.js';
import { FIXTURES, fixture } from '../aws-standins/fixtures.js';
import { readPriceListEntries, startPricingStandin } from '../aws-standins/pricing.js';
import type { StandinServer } from '../aws-standins/standin-server.js';
import { readRecordedInstanceTypes } from '../aws-standins/ec2.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { collectContext } from './collect-context.js';

// The recorded m5.large PriceList item (us-east-1) and the AWS CLI's example entry (an EBS
// volume in Singapore), which the Linux instance filters must not pick up.
const m5Item = JSON.parse(readFileSync(FIXTURES.pricingItemM5Large, 'utf8')) as {
  terms: { OnDemand: Record<string, { priceDimensions: Record<string, { pricePerUnit: { USD: string } }> }> };
};
const m5OnDemandUsd = Number(
  Object.values(Object.values(m5Item.terms.OnDemand)[0]!.priceDimensions)[0]!.pricePerUnit.USD,
);

describe('collect-prices against the Pricing API stand-in', () => {
  let database: TestDatabase;
  let pricing: StandinServer;
  const context = (now: string, regions = 'us-east-1,ap-southeast-1') =>
    collectContext({
      db: database.db,
      env: { AWS_REGION: 'us-east-1', AWS_REGIONS: regions, PRICE_TTL_HOURS: '24' },
      endpoints: { pricing: pricing.url },
      now: new Date(now),
    });

  beforeAll(async () => {
    [database, pricing] = await Promise.all([
      createTestDatabase(),
      startPricingStandin(
        readPriceListEntries([FIXTURES.pricingItemM5Large, fixture('awscli_pricing_get-products_example.json')]),
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), pricing?.close()]);
  });

  it('stores the OnDemand USD/hour of the PriceList item for m5.large, through a throttle and a 5xx', async () => {
    pricing.faults.push({ op: 'GetProducts', kind: 'throttle' }, { op: 'GetProducts', kind: 'server-error' });
    const ctx = context('2026-07-20T05:00:00Z');
    const outcome = await collectPrices(ctx, collectPricesPayload.parse({}));
    ctx.aws.destroy();
    expect(m5OnDemandUsd).toBe(0.096);
    const rows = await database.db.select().from(prices);
    expect(rows).toEqual([
      {
        instanceType: 'm5.large',
        region: 'us-east-1',
        platform: 'Linux',
        tenancy: 'shared',
        usdPerHour: m5OnDemandUsd,
        source: 'pricing-api',
        fetchedAt: new Date('2026-07-20T05:00:00Z'),
      },
    ]);
    // Singapore has only the EBS volume entry: no instance price, and none made up.
    expect(outcome.counts).toMatchObject({ regionsFetched: 2, prices: 1, products: 1 });
    expect(outcome.details).toMatchObject({ regionsWithoutPrices: ['ap-southeast-1'] });
    const filters = (pricing.requests.at(-1)!.body as { Filters: { Field: string; Value: string }[] }).Filters;
    expect(Object.fromEntries(filters.map((f) => [f.Field, f.Value]))).toMatchObject({
      operation: 'RunInstances',
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
    });
  });

  it('leaves prices younger than PRICE_TTL_HOURS alone unless forced', async () => {
    const before = pricing.requests.length;
    const ctx = context('2026-07-20T20:00:00Z', 'us-east-1');
    expect((await collectPrices(ctx, collectPricesPayload.parse({}))).counts).toMatchObject({
      regionsFresh: 1,
      regionsFetched: 0,
    });
    expect(pricing.requests.length).toBe(before);
    expect((await collectPrices(ctx, collectPricesPayload.parse({ force: true }))).counts).toMatchObject({
      regionsFetched: 1,
    });
    ctx.aws.destroy();
    const [row] = await database.db.select().from(prices);
    expect(row!.fetchedAt).toEqual(new Date('2026-07-20T20:00:00Z'));
  });

  it('an older price (a catalog loaded later) never replaces a newer one', async () => {
    await upsertPrices(database.db, {
      prices: [
        {
          instanceType: 'm5.large',
          region: 'us-east-1',
          platform: 'Linux',
          tenancy: 'shared',
          usdPerHour: 0.1,
          source: 'catalog:old.csv',
          fetchedAt: new Date('2026-07-01T00:00:00Z'),
        },
      ],
    });
    const [row] = await database.db.select().from(prices);
    expect(row).toMatchObject({ source: 'pricing-api', usdPerHour: m5OnDemandUsd });
  });

  it('joins prices with the stored specs for a region', async () => {
    const specs = readRecordedInstanceTypes(FIXTURES.describeInstanceTypesJson).map((t) => toInstanceTypeSpec(t)!);
    await upsertInstanceTypes(database.db, { specs, source: 'ec2-api', updatedAt: new Date('2026-07-20T00:00:00Z') });
    // m5.large is not among the 25 recorded types: a price without a spec is not a candidate.
    expect(await listPricedTypes(database.db, { region: 'us-east-1' })).toEqual([]);
  });

  it('AccessDenied names pricing:GetProducts and keeps the stored prices', async () => {
    pricing.faults.push({ op: 'GetProducts', kind: 'access-denied' });
    const ctx = context('2026-07-22T05:00:00Z', 'us-east-1');
    await expect(collectPrices(ctx, collectPricesPayload.parse({}))).rejects.toMatchObject({
      code: 'AWS_PERMISSION_DENIED',
      message: expect.stringContaining('"pricing:GetProducts"'),
    });
    ctx.aws.destroy();
    expect(await database.db.select().from(prices)).toHaveLength(1);
  });
});

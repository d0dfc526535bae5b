import { GetProductsCommand, type Filter, type PricingClient } from '@aws-sdk/client-pricing';
import { awsCall } from './aws-errors.js';
import { PRICING_TENANCY, type Platform } from '../catalog/platform.js';

/**
 * On-demand prices from the AWS Price List Query API (GetProducts, in a region where the
 * Pricing API lives). Each PriceList entry is a JSON string: product.attributes describe the
 * offer, terms.OnDemand holds its hourly price in USD.
 */

/**
 * The offer an instance of this platform and tenancy is billed at: the `operation` is the
 * instance's UsageOperation (it carries the OS, the licence and any SQL Server edition), capacity
 * actually used (not reservations held unused).
 */
export function onDemandFilters(region: string, platform: Platform, tenancy: 'shared' | 'dedicated'): Filter[] {
  const match = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });
  return [
    match('regionCode', region),
    match('operation', platform.usageOperation),
    match('tenancy', PRICING_TENANCY[tenancy]),
    match('capacitystatus', 'Used'),
    // SQL Server platforms list their edition here; every other platform has no pre-installed software.
    ...(platform.name.includes('SQL') ? [] : [match('preInstalledSw', 'NA')]),
  ];
}

export interface ParsedPrice {
  instanceType: string;
  usdPerHour: number;
  sku: string;
}

interface PriceListItem {
  product?: { sku?: string; attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      {
        priceDimensions?: Record<string, { unit?: string; beginRange?: string; pricePerUnit?: Record<string, string> }>;
      }
    >;
  };
}

/**
 * The hourly on-demand USD price of one PriceList entry; null when it is not an instance
 * offer or has no positive hourly USD price (AWS lists some retired offers at 0).
 */
export function parsePriceListItem(entry: string): ParsedPrice | null {
  const item = JSON.parse(entry) as PriceListItem;
  const instanceType = item.product?.attributes?.['instanceType'];
  if (!instanceType) return null;
  for (const term of Object.values(item.terms?.OnDemand ?? {})) {
    for (const dim of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(dim.pricePerUnit?.['USD']);
      if (dim.unit === 'Hrs' && (dim.beginRange ?? '0') === '0' && Number.isFinite(usd) && usd > 0) {
        return { instanceType, usdPerHour: usd, sku: item.product?.sku ?? '' };
      }
    }
  }
  return null;
}

export interface RegionPrices {
  region: string;
  platform: string;
  tenancy: 'shared' | 'dedicated';
  prices: ParsedPrice[];
  /** PriceList entries read. */
  products: number;
  /** Types with two different prices under the filters: left out rather than guessed. */
  conflicting: string[];
  calls: number;
}

/** Every on-demand instance price of `region` for one platform and tenancy, all pages (100 entries each). */
export async function fetchOnDemandPrices(
  client: PricingClient,
  p: { region: string; platform: Platform; tenancy: 'shared' | 'dedicated' },
): Promise<RegionPrices> {
  const { region, platform, tenancy } = p;
  const byType = new Map<string, ParsedPrice[]>();
  let products = 0;
  let calls = 0;
  let nextToken: string | undefined;
  do {
    const page = await awsCall('pricing:GetProducts', () =>
      client.send(
        new GetProductsCommand({
          ServiceCode: 'AmazonEC2',
          Filters: onDemandFilters(region, platform, tenancy),
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          NextToken: nextToken,
        }),
      ),
    );
    calls++;
    for (const entry of page.PriceList ?? []) {
      products++;
      // The SDK hands each entry over as a LazyJsonString (a String object): String() is its text.
      const parsed = parsePriceListItem(String(entry));
      if (parsed) byType.set(parsed.instanceType, [...(byType.get(parsed.instanceType) ?? []), parsed]);
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  const prices: ParsedPrice[] = [];
  const conflicting: string[] = [];
  for (const [type, offers] of byType) {
    if (new Set(offers.map((o) => o.usdPerHour)).size === 1) prices.push(offers[0]!);
    else conflicting.push(type);
  }
  return { region, platform: platform.name, tenancy, prices, products, conflicting, calls };
}

import { DuckDBInstance } from '@duckdb/node-api';
import type { InstancePrice } from '../../src/catalog/types.js';
import { PLATFORMS } from '../../src/catalog/platform.js';

/**
 * The public on-demand rates the real CUR export (cur-2018) billed instances at, per platform:
 * the line items' pricing_public_on_demand_rate with their product_operation (the UsageOperation
 * code: "RunInstances:0002" is Windows). The only recorded non-Linux EC2 prices there are, so the
 * tests and the bench price Windows from them instead of inventing a figure.
 */
export async function curOnDemandPrices(files: readonly string[], fetchedAt: Date): Promise<InstancePrice[]> {
  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const result = await connection.runAndReadAll(
      `SELECT DISTINCT product_instance_type AS type, product_region AS region, product_operation AS operation,
         product_tenancy AS tenancy, CAST(pricing_public_on_demand_rate AS DOUBLE) AS rate
       FROM read_parquet([${list}], union_by_name = true)
       WHERE product_product_family = 'Compute Instance' AND line_item_usage_type LIKE '%BoxUsage%'
         AND product_tenancy = 'Shared' AND CAST(pricing_public_on_demand_rate AS DOUBLE) > 0
       ORDER BY 1, 2, 3`,
    );
    return result.getRowObjects().flatMap((r) => {
      const platform = PLATFORMS.find((p) => p.usageOperation === String(r['operation']));
      if (!platform) return [];
      return [
        {
          instanceType: String(r['type']),
          region: String(r['region']),
          platform: platform.name,
          tenancy: 'shared' as const,
          usdPerHour: Number(r['rate']),
          source: 'cur:pricing_public_on_demand_rate',
          fetchedAt,
        },
      ];
    });
  } finally {
    connection.closeSync();
    duck.closeSync();
  }
}

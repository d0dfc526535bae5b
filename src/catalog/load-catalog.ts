import { basename } from 'node:path';
import type { Db } from '../db/client.js';
import { upsertInstanceTypes } from '../db/queries/instance-types.js';
import { upsertPrices } from '../db/queries/prices.js';
import { readCatalogCsv } from './read-catalog-csv.js';

export interface LoadCatalogResult {
  source: string;
  instanceTypes: number;
  prices: number;
  regions: string[];
  /** Types the file lists without vCPU, memory or architecture: not loaded. */
  incompleteTypes: string[];
}

/**
 * Loads a catalog CSV (the columns of ../shared/data/pricing/ec2-us-east-1-2026-07.csv) into
 * instance_types and prices, for offline use. The whole file is parsed and checked before
 * anything is written; a bad file writes nothing. Prices keep the rule of upsertPrices: a
 * catalog older than the stored Pricing API figures does not replace them.
 */
export async function loadCatalog(db: Db, params: { path: string }): Promise<LoadCatalogResult> {
  const catalog = await readCatalogCsv(params.path);
  const source = `catalog:${basename(params.path)}`;
  const updatedAt = new Date();
  const instanceTypes = await upsertInstanceTypes(db, { specs: catalog.instanceTypes, source, updatedAt });
  const prices = await upsertPrices(db, { prices: catalog.prices });
  return { source, instanceTypes, prices, regions: catalog.regions, incompleteTypes: catalog.incompleteTypes };
}

import { basename } from 'node:path';
import { readCatalogCsv } from '../catalog/read-catalog-csv.js';
import { loadConfig } from '../config.js';
import { createDb, type Db } from '../db/client.js';
import { databaseProblem } from '../db/ensure-database.js';
import { isCostbotError } from '../errors.js';
import { upsertInstanceTypes } from '../db/queries/instance-types.js';
import { upsertPrices } from '../db/queries/prices.js';
import { parseFlags, requireFlag, type CliCommand } from './command.js';

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

const usage = 'npm run costbot -- load-catalog --catalog CATALOG.csv';

/** `load-catalog`: instance types and on-demand prices from a catalog CSV into the database (needs DATABASE_URL). */
export const loadCatalogCommand: CliCommand = {
  name: 'load-catalog',
  summary: 'load instance types and prices from a catalog CSV into the database',
  usage,
  async run(argv) {
    const flags = parseFlags(argv, { catalog: { type: 'string' } }, usage);
    const path = requireFlag(flags.catalog, 'catalog', usage);
    const config = loadConfig('migrate');
    const handle = createDb(config.DATABASE_URL!, { max: 1 });
    try {
      const result = await loadCatalog(handle.db, { path }).catch((err: unknown) => {
        throw isCostbotError(err) ? err : databaseProblem(config.DATABASE_URL!, err);
      });
      const skipped =
        result.incompleteTypes.length > 0
          ? `; ${result.incompleteTypes.length} type(s) without vCPU/memory/arch left out`
          : '';
      process.stdout.write(
        `loaded ${result.instanceTypes} instance types and ${result.prices} prices (${result.regions.join(', ')}) from ${result.source}${skipped}\n`,
      );
    } finally {
      await handle.close();
    }
  },
};

import { loadCatalog } from '../catalog/load-catalog.js';
import { loadConfig } from '../config.js';
import { createDb } from '../db/client.js';
import { parseFlags, requireFlag, type CliCommand } from './command.js';

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
      const result = await loadCatalog(handle.db, { path });
      const skipped = result.incompleteTypes.length > 0 ? `; ${result.incompleteTypes.length} type(s) without vCPU/memory/arch left out` : '';
      process.stdout.write(
        `loaded ${result.instanceTypes} instance types and ${result.prices} prices (${result.regions.join(', ')}) from ${result.source}${skipped}\n`,
      );
    } finally {
      await handle.close();
    }
  },
};

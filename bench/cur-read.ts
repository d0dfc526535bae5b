/**
 * Reading the CUR: `npm run bench:cur [-- --data DIR]`.
 *
 * Reads the real CUR export (../shared/data/cur-2018: legacy CUR Parquet, Oct-Dec 2018, 334,911
 * line items) into the rows collect-costs stores (daily costs, EC2 resource costs, account names)
 * two ways, each in a child process of its own so that its peak memory (max RSS) is its own:
 *   - files: CUR_SOURCE=files, the export read in process with DuckDB (src/aws/cur-files.ts);
 *   - athena: CUR_SOURCE=athena, the same three queries through the Athena SDK client against the
 *     Athena stand-in (which runs in this parent process and executes the SQL with DuckDB on the
 *     same files), results paged 1,000 rows at a time as Athena does. Wall time here is local
 *     (no network, no Athena queueing): it shows costbot's own side, not AWS latency.
 * Prints line items per second, rows out, wall time and peak memory side by side. No database
 * writes (both paths store the same rows with the same queries).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { describeCurTable, fetchAccountNames, fetchDailyCosts, fetchResourceCosts } from '../src/aws/athena-cur.js';
import { CurExport, listExportFiles } from '../src/aws/cur-files.js';
import { legacyCurTable, startAthenaStandin } from '../test/aws-standins/athena.js';
import { dataDir } from './data-dir.js';

const WINDOW = { from: new Date('2018-10-01T00:00:00Z'), to: new Date('2019-01-01T00:00:00Z') };
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

interface Result {
  mode: string;
  lineItems: number;
  rowsOut: number;
  seconds: number;
  maxRssMb: number;
}

async function readFiles(folder: string): Promise<Omit<Result, 'maxRssMb'>> {
  const started = performance.now();
  const exported = await CurExport.open(await listExportFiles(folder), 'auto');
  try {
    const { lineItems } = await exported.extent();
    const costs = await exported.read(WINDOW);
    const rowsOut = costs.daily.length + costs.resources.length + (costs.names?.length ?? 0);
    return { mode: 'files (DuckDB in process)', lineItems, rowsOut, seconds: (performance.now() - started) / 1000 };
  } finally {
    exported.close();
  }
}

async function readAthena(url: string, lineItems: number): Promise<Omit<Result, 'maxRssMb'>> {
  const started = performance.now();
  const client = new AthenaClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS });
  const table = { database: 'cur', table: 'workshop', workgroup: 'primary', outputLocation: 's3://bench/results/' };
  const poll = { initialDelayMs: 20, maxDelayMs: 200 };
  try {
    const schema = await describeCurTable(client, table, 'auto');
    const daily = await fetchDailyCosts(client, table, schema, WINDOW, poll);
    const resources = await fetchResourceCosts(client, table, schema, WINDOW, poll);
    const names = await fetchAccountNames(client, table, schema, WINDOW, poll);
    const rowsOut = daily.rows.length + resources.rows.length + (names?.rows.length ?? 0);
    return { mode: 'athena (SDK, stand-in)', lineItems, rowsOut, seconds: (performance.now() - started) / 1000 };
  } finally {
    client.destroy();
  }
}

/** Child: one mode, then its result and max RSS as one JSON line. */
async function child(mode: string, folder: string, url: string, lineItems: number): Promise<void> {
  const r = mode === 'files' ? await readFiles(folder) : await readAthena(url, lineItems);
  process.stdout.write(`${JSON.stringify({ ...r, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

/** Runs one mode in a child process; asynchronously, since the Athena stand-in answers from this process. */
async function runChild(mode: string, folder: string, url: string, lineItems: number): Promise<Result> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/cur-read.ts', '--child', mode, folder, url, String(lineItems)],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Result;
}

async function main(): Promise<void> {
  const folder = join(dataDir(), 'cur-2018');
  const files = await listExportFiles(folder);
  const athena = await startAthenaStandin();
  athena.defineTable('cur', 'workshop', legacyCurTable(files));
  try {
    // The line items both read, counted once up front (the Athena path never sees them itself).
    const counted = await CurExport.open(files, 'auto');
    const { lineItems } = await counted.extent();
    counted.close();
    const results = [
      await runChild('files', folder, athena.url, lineItems),
      await runChild('athena', folder, athena.url, lineItems),
    ];
    process.stdout.write(
      `\nCUR export ${folder}: ${files.length} Parquet files, ${lineItems.toLocaleString('en-US')} line items\n`,
    );
    process.stdout.write(
      `${'path'.padEnd(28)}${'line items/s'.padStart(14)}${'rows out'.padStart(10)}${'wall s'.padStart(9)}${'peak RSS MB'.padStart(13)}\n`,
    );
    for (const r of results)
      process.stdout.write(
        `${r.mode.padEnd(28)}${Math.round(r.lineItems / r.seconds)
          .toLocaleString('en-US')
          .padStart(
            14,
          )}${r.rowsOut.toLocaleString('en-US').padStart(10)}${r.seconds.toFixed(1).padStart(9)}${r.maxRssMb.toFixed(0).padStart(13)}\n`,
      );
    process.stdout.write(
      'athena: costbot side only (the stand-in executing the SQL runs in the parent process; AWS latency not included)\n',
    );
  } finally {
    await athena.close();
  }
}

const i = process.argv.indexOf('--child');
if (i >= 0) {
  const [mode, folder, url, lineItems] = process.argv.slice(i + 1);
  await child(mode!, folder!, url!, Number(lineItems));
} else {
  await main();
}

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInstanceTypes } from '../../src/db/queries/instance-types.js';
import { listPricedTypes } from '../../src/db/queries/prices.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

/** `npm run costbot -- load-catalog ...` with only PATH and DATABASE_URL set. */
async function cli(args: string[], databaseUrl: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'costbot', '--', 'load-catalog', ...args], {
      env: { PATH: process.env['PATH'], DATABASE_URL: databaseUrl },
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

// A row range of the karpenter-derived catalog: every m5, t3, c5 and m6g line of it.
const catalogLines = readFileSync(FIXTURES.catalogCsv, 'utf8').trim().split('\n');

describe('load-catalog', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('a bad file exits 2 with the reason and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costbot-catalog-'));
    const bad = join(dir, 'bad.csv');
    // The real header and first row, with the vCPU cell made non-numeric.
    writeFileSync(bad, `${catalogLines[0]}\n${catalogLines[1]!.replace(/^([^,]+,[^,]+,)\d+/, '$1two')}\n`);
    const { code, output } = await cli(['--catalog', bad], database.url);
    expect(code).toBe(2);
    expect(output).toContain('vcpu');
    expect(await listInstanceTypes(database.db)).toEqual([]);
  });

  it('loads every type and price of the file through the command line', async () => {
    const { code, output } = await cli(['--catalog', FIXTURES.catalogCsv], database.url);
    expect(output).toContain(
      `loaded ${catalogLines.length - 1} instance types and ${catalogLines.length - 1} prices (us-east-1)`,
    );
    expect(code).toBe(0);
    const types = Object.fromEntries((await listInstanceTypes(database.db)).map((t) => [t.instanceType, t]));
    expect(types['m5.large']).toMatchObject({
      vcpu: 2,
      memoryMib: 8192,
      networkBandwidthMbps: 750,
      arch: 'x86_64',
      burstable: false,
    });
    expect(types['m6g.large']).toMatchObject({ arch: 'arm64' });
    expect(types['t3.micro']).toMatchObject({
      burstable: true,
      baselineCpuPercent: 10,
      source: 'catalog:catalog_ec2-us-east-1-2026-07.m5-t3-c5-m6g.csv',
    });
    const priced = Object.fromEntries(
      (await listPricedTypes(database.db, { region: 'us-east-1' })).map((p) => [
        p.spec.instanceType,
        p.price.usdPerHour,
      ]),
    );
    // The file's own cells: m5.large 0.096, t3.micro 0.0104.
    expect(priced['m5.large']).toBe(0.096);
    expect(priced['t3.micro']).toBe(0.0104);
  });
});

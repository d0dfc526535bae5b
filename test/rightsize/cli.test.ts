import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOURS_PER_MONTH } from '../../src/catalog/types.js';
import { rightsizeCommand } from '../../src/cli/rightsize.js';
import { CATALOG_PATH, catalog, csvPrice, fixture, metricsCsv, reported } from './traces.js';
import { FIXTURES } from '../aws-standins/fixtures.js';
import { curOnDemandPrices } from '../support/cur-platform-prices.js';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costbot-rightsize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` as a metrics file and returns its path. */
async function metricsFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, 'utf8');
  return path;
}

describe('npm run costbot -- rightsize, end to end', () => {
  it('writes one JSON object with the contract fields for a real VM trace', async () => {
    const metrics = await metricsFile('vm4.csv', metricsCsv(reported('spiky', 'm5.large', { network: true })));
    const out = join(dir, 'vm4.json');
    await run(
      'npx',
      [
        'tsx',
        'src/cli/main.ts',
        'rightsize',
        '--metrics',
        metrics,
        '--instance-type',
        'm5.large',
        '--catalog',
        CATALOG_PATH,
        '--output',
        out,
        '--lookback-days',
        '3',
      ],
      {
        env: { PATH: process.env['PATH'] },
      },
    );
    const rec = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    expect(rec['currentType']).toBe('m5.large');
    expect(catalog.instanceTypes.map((s) => s.instanceType)).toContain(rec['recommendedType']);
    expect(['over-provisioned', 'under-provisioned', 'optimized', 'idle', 'insufficient-data']).toContain(
      rec['finding'],
    );
    expect(['low', 'medium', 'high']).toContain(rec['risk']);
    expect(rec['confidence']).toBeGreaterThanOrEqual(0);
    expect(rec['confidence']).toBeLessThanOrEqual(1);
    expect(typeof rec['reasoning']).toBe('string');
    // Hand check: m5.large in the catalog file x 730 hours.
    expect(rec['currentMonthlyUsd']).toBe(Math.round(csvPrice('m5.large') * HOURS_PER_MONTH * 100) / 100);
    const recommended = rec['recommendedType'] as string;
    expect(rec['recommendedMonthlyUsd']).toBe(Math.round(csvPrice(recommended) * HOURS_PER_MONTH * 100) / 100);
    expect(rec['monthlySavingsUsd']).toBeCloseTo(
      (rec['currentMonthlyUsd'] as number) - (rec['recommendedMonthlyUsd'] as number),
      2,
    );
    expect(typeof rec['savingsPercent']).toBe('number');
  });
});

describe('rightsize command on bad input (writes nothing)', () => {
  const good = metricsCsv(reported('busy', 'm5.large'));
  const lines = good.trimEnd().split('\n');

  async function attempt(name: string, text: string, type = 'm5.large'): Promise<{ error: unknown; wrote: boolean }> {
    const metrics = await metricsFile(`${name}.csv`, text);
    const out = join(dir, `${name}.json`);
    const error = await rightsizeCommand
      .run(['--metrics', metrics, '--instance-type', type, '--catalog', CATALOG_PATH, '--output', out])
      .then(
        () => null,
        (err: unknown) => err,
      );
    return { error, wrote: existsSync(out) };
  }

  it.each([
    ['unknown instance type', good, 'm5.huge', /"m5\.huge" is not in the catalog/],
    ['empty metrics', `${lines[0]}\n`, 'm5.large', /no data rows after the header/],
    [
      'negative utilization',
      lines.map((l, i) => (i === 3 ? l.replace(/,[^,]+,/, ',-2,') : l)).join('\n'),
      'm5.large',
      /-2 % is outside 0\.\.100/,
    ],
    [
      'over 100 % utilization',
      lines.map((l, i) => (i === 3 ? l.replace(/,[^,]+,/, ',140,') : l)).join('\n'),
      'm5.large',
      /140 % is outside 0\.\.100/,
    ],
    ['missing cpu_percent column', good.replace('cpu_percent', 'cpu'), 'm5.large', /missing column\(s\) cpu_percent/],
    ['a type listed without specs', good, 'cr1.8xlarge', /without vCPU, memory or architecture/],
  ])('%s: a clear InputError', async (name, text, type, message) => {
    const { error, wrote } = await attempt(name.replace(/\W+/g, '-'), text, type);
    expect(error).toMatchObject({ code: 'INPUT_INVALID' });
    expect((error as Error).message).toMatch(message);
    expect(wrote).toBe(false);
  });

  // Real EC2 CPUUtilization with a step back where two exports overlap (test/fixtures/clock/README.md).
  it('takes rows that step back as they come, with a warning', async () => {
    const overlap = readFileSync(fixture('../clock/nab-ec2_cpu_utilization_825cc2-overlap.csv'), 'utf8');
    let printed = '';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    const text = overlap.replace(/^timestamp,value/, 'timestamp,cpu_percent');
    const result = await attempt('overlap', text).finally(() => stderr.mockRestore());
    expect(result).toEqual({ error: null, wrote: true });
    expect(printed).toMatch(
      /^warning: .*overlap\.csv: clock quirks at a 300 s step: 1 step\(s\) back in time \(first at line 302, 2014-04-10 23:09:00\); .*the later row in the file is used\n$/,
    );
  });

  it('says "cannot recommend" when the catalog has no price for the current type', async () => {
    // x8aedz.large is in the real catalog without a us-east-1 price.
    const metrics = await metricsFile('noprice.csv', metricsCsv(reported('busy', 'x8aedz.large')));
    const out = join(dir, 'noprice.json');
    await rightsizeCommand.run([
      '--metrics',
      metrics,
      '--instance-type',
      'x8aedz.large',
      '--catalog',
      CATALOG_PATH,
      '--output',
      out,
    ]);
    const rec = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    expect(rec['recommendedType']).toBe('x8aedz.large');
    expect(rec['currentMonthlyUsd']).toBeNull();
    expect(rec['cannotRecommend']).toMatch(
      /^Cannot recommend: no on-demand Linux price for x8aedz\.large in us-east-1/,
    );
  });

  describe('--platform', () => {
    /** The catalog fixture plus a Windows column holding the rates the real CUR billed Windows at. */
    async function windowsCatalog(): Promise<string> {
      const windows = await curOnDemandPrices(FIXTURES.curParquet, new Date());
      const rate = new Map(
        windows.filter((p) => p.platform === 'Windows' && p.region === 'us-east-1').map((p) => [p.instanceType, p]),
      );
      expect(rate.size).toBeGreaterThan(0);
      const lines = (await readFile(CATALOG_PATH, 'utf8')).trimEnd().split('\n');
      const text = [
        `${lines[0]},ondemand_windows_usd_per_hour_us_east_1`,
        ...lines.slice(1).map((l) => `${l},${rate.get(l.split(',')[0]!)?.usdPerHour ?? ''}`),
      ].join('\n');
      const path = join(dir, 'catalog-windows.csv');
      await writeFile(path, `${text}\n`, 'utf8');
      return path;
    }
    const rightsize = async (catalogPath: string, type: string, platform: string) => {
      const metrics = await metricsFile(`${type}.csv`, metricsCsv(reported('idle', type)));
      const out = join(dir, `${type}-${platform}.json`);
      const args = ['--metrics', metrics, '--instance-type', type, '--catalog', catalogPath, '--output', out];
      await rightsizeCommand.run([...args, '--platform', platform]);
      return JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    };

    it('prices the instance at its platform column: Windows m5.large is not the Linux $70.08', async () => {
      const catalogPath = await windowsCatalog();
      const windows = await rightsize(catalogPath, 'm5.large', 'Windows');
      expect(windows['platform']).toBe('Windows');
      expect(windows['currentMonthlyUsd']).toBeCloseTo(0.188 * HOURS_PER_MONTH, 2);
      const linux = await rightsize(catalogPath, 'm5.large', 'Linux');
      expect(linux['currentMonthlyUsd']).toBeCloseTo(csvPrice('m5.large') * HOURS_PER_MONTH, 2);
      // A type with a Linux price and no Windows one: said, never priced as Linux.
      const noWindows = await rightsize(catalogPath, 'm5.xlarge', 'Windows');
      expect(noWindows['currentMonthlyUsd']).toBeNull();
      expect(noWindows['cannotRecommend']).toMatch(/no on-demand Windows price for m5\.xlarge in us-east-1/);
    });

    it('fails naming the platform when the catalog has no column for it', async () => {
      await expect(rightsize(CATALOG_PATH, 'm5.large', 'RHEL')).rejects.toMatchObject({
        code: 'INPUT_INVALID',
        message: expect.stringMatching(
          /no RHEL prices for us-east-1 .*ondemand_rhel_usd_per_hour_us_east_1.*Linux only/,
        ),
      });
      await expect(rightsize(CATALOG_PATH, 'm5.large', 'BeOS')).rejects.toThrow(
        /unknown platform; use one of Linux, Windows/,
      );
    });
  });

  it('asks for missing flags with the usage line', async () => {
    await expect(rightsizeCommand.run(['--instance-type', 'm5.large'])).rejects.toThrow(
      /missing --metrics; usage: npm run costbot -- rightsize/,
    );
  });
});

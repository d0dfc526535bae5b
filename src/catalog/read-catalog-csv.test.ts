import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { parseCatalogCsv, priceColumnOf, readCatalogCsv } from './read-catalog-csv.js';

const path = fileURLToPath(new URL('../../test/fixtures/rightsize/ec2-us-east-1-2026-07.csv', import.meta.url));
const text = readFileSync(path, 'utf8');
const fetchedAt = new Date('2026-07-20T00:00:00Z');
const catalog = parseCatalogCsv(text, path, fetchedAt);

/** The raw cells of one line of the real file, split by hand (no quoting in this file). */
function rawRow(type: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`${type},`));
  if (!line) throw new Error(`${type} is not in the fixture`);
  return line.trim().split(',');
}

describe('parseCatalogCsv on the real us-east-1 catalog', () => {
  it('reads every complete row and leaves out the rows without vCPU/memory/arch', () => {
    const dataLines = text.trim().split('\n').length - 1;
    const incomplete = text.split('\n').filter((l) => /^[^,]+,[^,]+,,,/.test(l)).length;
    expect(incomplete).toBeGreaterThan(0);
    expect(catalog.instanceTypes).toHaveLength(dataLines - incomplete);
    expect(catalog.incompleteTypes).toHaveLength(incomplete);
    expect(catalog.incompleteTypes).toContain('cr1.8xlarge');
  });

  it('takes the platform and region from the price column name', () => {
    expect(catalog.regions).toEqual(['us-east-1']);
    expect(catalog.platforms).toEqual(['Linux']);
    const col = (name: string) => priceColumnOf(name, 'x.csv');
    expect(col('ondemand_linux_usd_per_hour_ap_southeast_2')).toMatchObject({ region: 'ap-southeast-2' });
    expect(col('ondemand_linux_usd_per_hour_us_gov_west_1')?.region).toBe('us-gov-west-1');
    expect(col('ondemand_windows_sql_standard_usd_per_hour_us_east_1')?.platform.name).toBe(
      'Windows with SQL Server Standard',
    );
    expect(col('ondemand_rhel_usd_per_hour_eu_west_1')?.platform.usageOperation).toBe('RunInstances:0010');
    expect(col('vcpu')).toBeNull();
    expect(() => col('ondemand_beos_usd_per_hour_us_east_1')).toThrow(/platform "beos"; known: linux, windows/);
  });

  it('maps a row to a spec and its price exactly as the file gives them', () => {
    const raw = rawRow('m5.large');
    const spec = catalog.instanceTypes.find((s) => s.instanceType === 'm5.large');
    expect(spec).toMatchObject({
      family: 'm5',
      vcpu: Number(raw[2]),
      memoryMib: Number(raw[3]),
      networkBandwidthMbps: Number(raw[4]),
      arch: 'x86_64', // the file spells it "amd64"
      burstable: false,
      baselineCpuPercent: null,
      currentGeneration: true,
      gpuCount: 0,
    });
    const price = catalog.prices.find((p) => p.instanceType === 'm5.large');
    expect(price).toEqual({
      instanceType: 'm5.large',
      region: 'us-east-1',
      platform: 'Linux',
      tenancy: 'shared',
      usdPerHour: Number(raw[12]),
      source: 'catalog:ec2-us-east-1-2026-07.csv',
      fetchedAt,
    });
  });

  it('gives no price row for a blank price cell instead of estimating one', () => {
    expect(rawRow('x8aedz.large')[12]).toBe('');
    expect(catalog.instanceTypes.some((s) => s.instanceType === 'x8aedz.large')).toBe(true);
    expect(catalog.prices.some((p) => p.instanceType === 'x8aedz.large')).toBe(false);
  });

  it('sets the published burstable baselines, and none for T1 which AWS does not list', () => {
    const byType = new Map(catalog.instanceTypes.map((s) => [s.instanceType, s]));
    // Credits earned per hour in AWS's table = baseline % x vCPUs x 60 / 100, e.g. t3.micro 12.
    expect(byType.get('t3.micro')).toMatchObject({ burstable: true, baselineCpuPercent: 10, vcpu: 2 });
    expect(byType.get('t2.xlarge')).toMatchObject({ burstable: true, baselineCpuPercent: 22.5 });
    expect(byType.get('t4g.2xlarge')).toMatchObject({ burstable: true, baselineCpuPercent: 40, arch: 'arm64' });
    expect(byType.get('t1.micro')).toMatchObject({
      burstable: true,
      baselineCpuPercent: null,
      currentGeneration: false,
    });
    expect(byType.get('c3.large')?.currentGeneration).toBe(false);
    expect(byType.get('g4ad.2xlarge')?.gpuCount).toBe(1);
  });

  it('reads the file through the wrapper', async () => {
    const fromFile = await readCatalogCsv(path);
    expect(fromFile.instanceTypes).toHaveLength(catalog.instanceTypes.length);
    expect(fromFile.prices).toHaveLength(catalog.prices.length);
  });
});

describe('parseCatalogCsv on bad input', () => {
  const [header, ...rows] = text.split('\n');

  it('names the missing columns of a wrong header', () => {
    const bad = [header!.replace('memory_mib', 'mem_gb'), ...rows].join('\n');
    expect(() => parseCatalogCsv(bad, 'bad.csv', fetchedAt)).toThrow(/missing column\(s\) memory_mib/);
  });

  it('asks for a price column when there is none', () => {
    const bad = [header!.replace('ondemand_linux_usd_per_hour_us_east_1', 'price'), ...rows].join('\n');
    expect(() => parseCatalogCsv(bad, 'bad.csv', fetchedAt)).toThrow(InputError);
    expect(() => parseCatalogCsv(bad, 'bad.csv', fetchedAt)).toThrow(/ondemand_<platform>_usd_per_hour_<region>/);
  });

  it('rejects a non-numeric price with its line number', () => {
    const line = rows.findIndex((r) => r.startsWith('m5.large,'));
    const bad = [header, ...rows.map((r, i) => (i === line ? r.replace(/,[^,]+$/, ',n/a') : r))].join('\n');
    expect(() => parseCatalogCsv(bad, 'bad.csv', fetchedAt)).toThrow(`bad.csv: line ${line + 2}`);
  });

  it('rejects an unreadable file with InputError', async () => {
    await expect(readCatalogCsv('/nonexistent/catalog.csv')).rejects.toThrow(/cannot read the catalog/);
  });
});

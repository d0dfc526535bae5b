import { writeFile } from 'node:fs/promises';
import { readCatalogCsv, type Catalog } from '../catalog/read-catalog-csv.js';
import { InputError } from '../errors.js';
import { LINUX, PLATFORMS, platformNamed, type Platform } from '../catalog/platform.js';
import { recommendRightSize } from '../ml/rightsize/recommend.js';
import { CPU_PERCENTILES } from '../ml/rightsize/options.js';
import type { CpuPercentile, RightSizeResult, RightSizeOptions } from '../ml/rightsize/types.js';
import { parseFlags, parseIntFlag, requireFlag, type CliCommand } from './command.js';
import { checkOutputPath } from './output-path.js';
import { clockWarning } from './series-csv.js';
import { readUtilizationCsv, type UtilizationSeries } from './utilization-csv.js';

const usage =
  'npm run costbot -- rightsize --metrics IN.csv --instance-type T --catalog CATALOG.csv [--output OUT.json] ' +
  '[--platform Linux|Windows|RHEL|SUSE|...] [--region R] [--percentile 90|95|99|99.5] [--headroom PCT] [--lookback-days N]';

/**
 * `--platform` (default Linux): prices come from the catalog's column for that platform only. A
 * catalog without one fails naming it: a Linux price is never used for another platform.
 */
export function pickPlatform(catalog: Catalog, region: string, flag: string | undefined): Platform {
  const platform = flag === undefined ? LINUX : platformNamed(flag);
  if (!platform) {
    throw new InputError(`--platform ${flag}: unknown platform; use one of ${PLATFORMS.map((p) => p.name).join(', ')}`);
  }
  if (!catalog.prices.some((p) => p.platform === platform.name && p.region === region)) {
    const has = [...new Set(catalog.prices.filter((p) => p.region === region).map((p) => p.platform))].join(', ');
    throw new InputError(
      `the catalog has no ${platform.name} prices for ${region} (a column ondemand_${platform.slug}_usd_per_hour_${region.replace(/-/g, '_')}; it prices ${has} only), and a Linux price is never used for another platform`,
    );
  }
  return platform;
}

/** The catalog's region when it has one; otherwise --region must pick one of them. */
function pickRegion(catalog: Catalog, flag: string | undefined): string {
  if (flag !== undefined) {
    if (!catalog.regions.includes(flag)) {
      throw new InputError(`--region ${flag}: the catalog has prices for ${catalog.regions.join(', ')} only`);
    }
    return flag;
  }
  if (catalog.regions.length > 1) {
    throw new InputError(`the catalog has prices for ${catalog.regions.join(', ')}; choose one with --region`);
  }
  return catalog.regions[0]!;
}

function parsePercentile(value: string | undefined): CpuPercentile | undefined {
  if (value === undefined) return undefined;
  const p = CPU_PERCENTILES.find((c) => String(c) === value);
  if (p === undefined)
    throw new InputError(`--percentile must be one of ${CPU_PERCENTILES.join(', ')}, got "${value}"`);
  return p;
}

/**
 * One recommendation for a utilization series on a catalog: what the CLI prints, and what the
 * backtest measures. The lookback ends where the series ends.
 */
export function rightsizeSeries(
  series: UtilizationSeries,
  currentType: string,
  catalog: Catalog,
  region: string,
  options: Partial<RightSizeOptions> = {},
  platform: Platform = LINUX,
): RightSizeResult {
  if (catalog.incompleteTypes.includes(currentType)) {
    throw new InputError(
      `the catalog lists ${currentType} without vCPU, memory or architecture, so it cannot be sized`,
    );
  }
  return recommendRightSize(
    {
      currentType,
      region,
      platform: platform.name,
      samples: series.samples,
      periodSeconds: series.periodSeconds,
      catalog: catalog.instanceTypes,
      prices: catalog.prices,
      now: series.end,
    },
    options,
  );
}

export const rightsizeCommand: CliCommand = {
  name: 'rightsize',
  summary: 'Recommend an EC2 instance type from a utilization CSV and a price catalog; prints JSON.',
  usage,
  async run(argv) {
    const flags = parseFlags(
      argv,
      {
        metrics: { type: 'string' },
        'instance-type': { type: 'string' },
        catalog: { type: 'string' },
        output: { type: 'string' },
        region: { type: 'string' },
        platform: { type: 'string' },
        percentile: { type: 'string' },
        headroom: { type: 'string' },
        'lookback-days': { type: 'string' },
      },
      usage,
    );
    const metricsPath = requireFlag(flags.metrics, 'metrics', usage);
    const instanceType = requireFlag(flags['instance-type'], 'instance-type', usage);
    const catalogPath = requireFlag(flags.catalog, 'catalog', usage);
    const options: Partial<RightSizeOptions> = {};
    const percentile = parsePercentile(flags.percentile);
    const headroom = parseIntFlag(flags.headroom, 'headroom', 0, 200);
    const lookbackDays = parseIntFlag(flags['lookback-days'], 'lookback-days', 1, 93);
    if (percentile !== undefined) options.percentile = percentile;
    if (headroom !== undefined) options.headroomPercent = headroom;
    if (lookbackDays !== undefined) options.lookbackDays = lookbackDays;
    if (flags.output !== undefined) await checkOutputPath(flags.output, 'output');
    const [series, catalog] = await Promise.all([readUtilizationCsv(metricsPath), readCatalogCsv(catalogPath)]);
    const warning = clockWarning(
      metricsPath,
      series.clock,
      'where rows share a period, the later row in the file is used',
    );
    if (warning) process.stderr.write(`${warning}\n`);
    const region = pickRegion(catalog, flags.region);
    const platform = pickPlatform(catalog, region, flags.platform);
    const recommendation = rightsizeSeries(series, instanceType, catalog, region, options, platform);
    const json = `${JSON.stringify(recommendation, null, 2)}\n`;
    if (flags.output === undefined) process.stdout.write(json);
    else await writeFile(flags.output, json, 'utf8');
  },
};

import {
  describeCurTable,
  fetchAccountNames,
  fetchDailyCosts,
  fetchResourceCosts,
  type CostWindow,
  type CurTable,
} from '../../../aws/athena-cur.js';
import type { AccountNameRow, DailyCostRow, ResourceCostRow } from '../../../aws/cur-rows.js';
import { CurExport, listExportFiles } from '../../../aws/cur-files.js';
import { syncS3Export } from '../../../aws/s3-export.js';
import { CostbotError } from '../../../errors.js';
import { upsertAccountNames } from '../../../db/queries/accounts.js';
import type { PollOptions } from '../../../aws/athena-query.js';
import type { Config } from '../../../config.js';
import { costDailyExtent, replaceCostDays, replaceResourceCostDays } from '../../../db/queries/cost-daily.js';
import type { JobContext, JobOutcome } from '../../job-types.js';
import type { CollectCostsPayload } from '../../../jobs/schemas/collect.js';
import type { AwsDeps } from './for-each-scope.js';
import { addDays, DAY_MS, dayToMs } from '../../../days.js';

const dayOf = (t: Date) => t.toISOString().slice(0, 10);
const utcMidnight = (t: Date) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));

/** The days to (re)load, ending with today (the CUR fills today as the day goes). */
async function windowFor(ctx: JobContext, payload: CollectCostsPayload): Promise<CostWindow & { mode: string }> {
  if (payload.fromDay && payload.toDay) {
    return {
      from: new Date(`${payload.fromDay}T00:00:00Z`),
      to: new Date(`${payload.toDay}T00:00:00Z`),
      mode: 'range',
    };
  }
  if (payload.asOf !== undefined) {
    // As of a day: the usual window, ending with that day; later stored days are left alone.
    const to = new Date(dayToMs(addDays(payload.asOf, 1)));
    return { from: new Date(to.getTime() - (ctx.config.COST_WINDOW_DAYS + 1) * DAY_MS), to, mode: 'as-of' };
  }
  const now = ctx.now();
  const to = new Date(utcMidnight(now).getTime() + DAY_MS);
  const backfill =
    payload.mode === 'backfill' || (payload.mode === 'auto' && (await costDailyExtent(ctx.db)).rows === 0);
  if (backfill) {
    // Whole billing months, so a forecast sees complete months from the first one on.
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - ctx.config.COST_BACKFILL_MONTHS, 1));
    return { from, to, mode: 'backfill' };
  }
  return { from: new Date(to.getTime() - (ctx.config.COST_WINDOW_DAYS + 1) * DAY_MS), to, mode: 'window' };
}

function missingAthenaSetting(config: Config): string | null {
  if (!config.ATHENA_DATABASE) return 'ATHENA_DATABASE is not set (the Glue database of the CUR table)';
  if (!config.ATHENA_TABLE) return 'ATHENA_TABLE is not set (the CUR table)';
  if (!config.athenaRegion) return 'ATHENA_REGION or AWS_REGION is not set';
  return null;
}

/** Unblended USD per charge kind, and which other bases the report gave (null = missing columns). */
function collectedSummary(rows: readonly DailyCostRow[]) {
  const chargeKinds: Record<string, number> = {};
  for (const r of rows) chargeKinds[r.chargeKind] = (chargeKinds[r.chargeKind] ?? 0) + r.unblendedUsd;
  const has = (pick: (r: DailyCostRow) => number | null) => rows.length > 0 && rows.every((r) => pick(r) !== null);
  return {
    chargeKinds,
    bases: {
      netUnblended: has((r) => r.netUnblendedUsd),
      amortized: has((r) => r.amortizedUsd),
      netAmortized: has((r) => r.netAmortizedUsd),
    },
  };
}

/** Options the worker leaves at their defaults; tests shorten the Athena polling. */
export interface CollectCostsOptions {
  poll?: PollOptions;
}

/** What a cost source read for the window, before anything is stored. */
interface CostsRead {
  format: string;
  daily: DailyCostRow[];
  resources: ResourceCostRow[];
  /** null when the source has no account names (legacy CUR). */
  names: AccountNameRow[] | null;
  details: Record<string, unknown>;
}

type Read = CostsRead | { skipped: string };

async function readAthena(ctx: JobContext & AwsDeps, window: CostWindow, options: CollectCostsOptions): Promise<Read> {
  const missing = missingAthenaSetting(ctx.config);
  if (missing) return { skipped: missing };
  const format = ctx.config.CUR_FORMAT;
  if (format === 'focus')
    throw new CostbotError('CONFIG_INVALID', 'CUR_FORMAT=focus is read from export files: set CUR_SOURCE=files');
  const table: CurTable = {
    database: ctx.config.ATHENA_DATABASE!,
    table: ctx.config.ATHENA_TABLE!,
    workgroup: ctx.config.ATHENA_WORKGROUP,
    ...(ctx.config.ATHENA_OUTPUT_LOCATION ? { outputLocation: ctx.config.ATHENA_OUTPUT_LOCATION } : {}),
  };
  const client = ctx.aws.athena();
  const schema = await describeCurTable(client, table, format);
  ctx.log.info({ format: schema.format }, 'querying the CUR in Athena');
  const query = { ...options.poll, ...(ctx.usage ? { usage: ctx.usage } : {}) };
  const daily = await fetchDailyCosts(client, table, schema, window, query);
  const resources = await fetchResourceCosts(client, table, schema, window, query);
  const names = await fetchAccountNames(client, table, schema, window, query);
  return {
    format: schema.format,
    daily: daily.rows,
    resources: resources.rows,
    names: names?.rows ?? null,
    details: {
      athenaQueryId: daily.queryExecutionId,
      athenaResourceQueryId: resources.queryExecutionId,
      bytesScanned: daily.bytesScanned + resources.bytesScanned + (names?.bytesScanned ?? 0),
    },
  };
}

/** The export files of CUR_PATH, or of CUR_S3_URI copied into CUR_CACHE_DIR (only new or changed objects). */
async function exportFiles(ctx: JobContext & AwsDeps): Promise<{ files: string[]; details: Record<string, unknown> }> {
  const { CUR_PATH: path, CUR_S3_URI: uri, CUR_CACHE_DIR: cache } = ctx.config;
  if (path && uri) throw new CostbotError('CONFIG_INVALID', 'CUR_PATH and CUR_S3_URI are both set: set one of them');
  if (path) return { files: await listExportFiles(path), details: { path } };
  const sync = await syncS3Export(ctx.aws.s3(), uri!, cache, ctx.usage);
  return {
    files: sync.files,
    details: { s3Uri: uri, objects: sync.listed, downloaded: sync.downloaded, removed: sync.removed },
  };
}

async function readFiles(ctx: JobContext & AwsDeps, window: CostWindow): Promise<Read> {
  if (!ctx.config.CUR_PATH && !ctx.config.CUR_S3_URI)
    return {
      skipped: 'CUR_SOURCE=files needs CUR_PATH (a file, folder or glob of export files) or CUR_S3_URI (an S3 prefix)',
    };
  const { files, details } = await exportFiles(ctx);
  const exported = await CurExport.open(files, ctx.config.CUR_FORMAT);
  try {
    ctx.log.info({ files: files.length, format: exported.format }, 'reading the export files');
    const costs = await exported.read(window);
    return {
      format: exported.format,
      daily: costs.daily,
      resources: costs.resources,
      names: costs.names,
      details: {
        ...details,
        files: files.length,
        ...(costs.otherProviders.length > 0
          ? { otherProviders: costs.otherProviders, otherProvidersNote: 'rows of other providers are not analysed' }
          : {}),
      },
    };
  } finally {
    exported.close();
  }
}

/**
 * Loads costs from the CUR through Athena (CUR_SOURCE=athena) or from CUR / FOCUS export files
 * (CUR_SOURCE=files, src/aws/cur-files.ts): daily cost by day, account, service, region, usage
 * type and charge type into cost_daily, per-resource EC2 cost by pricing term into
 * cost_resource_daily, each replacing the days of the window, and the account names the source
 * has (CUR 2.0, FOCUS) into accounts. Everything is read before anything is stored, so a source
 * that fails half way stores nothing. Without the source's settings the job is skipped with the reason.
 */
export async function collectCosts(
  ctx: JobContext & AwsDeps,
  payload: CollectCostsPayload,
  options: CollectCostsOptions = {},
): Promise<JobOutcome> {
  const source = ctx.config.CUR_SOURCE;
  const window = await windowFor(ctx, payload);
  const range = { fromDay: dayOf(window.from), toDay: dayOf(window.to), loadedAt: ctx.now() };
  ctx.log.info({ ...range, mode: window.mode, source }, 'reading costs');
  const read = source === 'files' ? await readFiles(ctx, window) : await readAthena(ctx, window, options);
  if ('skipped' in read) return { counts: {}, skipped: read.skipped };

  const dailyWrite = await replaceCostDays(ctx.db, { ...range, rows: read.daily });
  await ctx.progress?.({ step: 'daily', rows: read.daily.length });
  const resourceWrite = await replaceResourceCostDays(ctx.db, { ...range, rows: read.resources });
  const namesSource = read.format === 'focus' ? 'focus' : 'cur2';
  const accountNames = read.names
    ? await upsertAccountNames(ctx.db, { names: read.names, source: namesSource, updatedAt: range.loadedAt })
    : 0;

  return {
    counts: {
      dailyRows: dailyWrite.inserted,
      dailyRowsReplaced: dailyWrite.deleted,
      resourceRows: resourceWrite.inserted,
      resourceRowsReplaced: resourceWrite.deleted,
      accountNames,
      days: new Set(read.daily.map((r) => r.day)).size,
    },
    details: {
      mode: window.mode,
      source,
      format: read.format,
      fromDay: range.fromDay,
      toDay: range.toDay,
      ...read.details,
      ...collectedSummary(read.daily),
      ...(read.names
        ? {}
        : {
            accountNamesMissing:
              'the report has no line_item_usage_account_name column (the legacy CUR has no account names)',
          }),
    },
  };
}

import {
  describeCurTable,
  fetchAccountNames,
  fetchDailyCosts,
  fetchResourceCosts,
  type CostWindow,
  type CurTable,
} from '../../../aws/athena-cur.js';
import type { DailyCostRow } from '../../../aws/cur-rows.js';
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

function missingSetting(config: Config): string | null {
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

/**
 * Loads CUR costs through Athena: daily cost by day, account, service, region, usage type and
 * charge type into cost_daily, per-resource EC2 cost by pricing term into cost_resource_daily,
 * each replacing the days its query covered, and the account names the report has (CUR 2.0) into
 * accounts. Without Athena settings the job is skipped with the reason.
 */
export async function collectCosts(
  ctx: JobContext & AwsDeps,
  payload: CollectCostsPayload,
  options: CollectCostsOptions = {},
): Promise<JobOutcome> {
  const missing = missingSetting(ctx.config);
  if (missing) return { counts: {}, skipped: missing };
  const table: CurTable = {
    database: ctx.config.ATHENA_DATABASE!,
    table: ctx.config.ATHENA_TABLE!,
    workgroup: ctx.config.ATHENA_WORKGROUP,
    ...(ctx.config.ATHENA_OUTPUT_LOCATION ? { outputLocation: ctx.config.ATHENA_OUTPUT_LOCATION } : {}),
  };
  const client = ctx.aws.athena();
  const window = await windowFor(ctx, payload);
  const schema = await describeCurTable(client, table, ctx.config.CUR_FORMAT);
  const range = { fromDay: dayOf(window.from), toDay: dayOf(window.to), loadedAt: ctx.now() };
  ctx.log.info({ ...range, mode: window.mode, format: schema.format }, 'querying the CUR');

  const query = { ...options.poll, ...(ctx.usage ? { usage: ctx.usage } : {}) };
  const daily = await fetchDailyCosts(client, table, schema, window, query);
  const dailyWrite = await replaceCostDays(ctx.db, { ...range, rows: daily.rows });
  await ctx.progress?.({ step: 'daily', rows: daily.rows.length });
  const resources = await fetchResourceCosts(client, table, schema, window, query);
  const resourceWrite = await replaceResourceCostDays(ctx.db, { ...range, rows: resources.rows });
  const names = await fetchAccountNames(client, table, schema, window, query);
  const accountNames = names
    ? await upsertAccountNames(ctx.db, { names: names.rows, source: 'cur2', updatedAt: range.loadedAt })
    : 0;

  return {
    counts: {
      dailyRows: dailyWrite.inserted,
      dailyRowsReplaced: dailyWrite.deleted,
      resourceRows: resourceWrite.inserted,
      resourceRowsReplaced: resourceWrite.deleted,
      accountNames,
      days: new Set(daily.rows.map((r) => r.day)).size,
    },
    details: {
      mode: window.mode,
      format: schema.format,
      fromDay: range.fromDay,
      toDay: range.toDay,
      athenaQueryId: daily.queryExecutionId,
      athenaResourceQueryId: resources.queryExecutionId,
      bytesScanned: daily.bytesScanned + resources.bytesScanned + (names?.bytesScanned ?? 0),
      ...collectedSummary(daily.rows),
      ...(names
        ? {}
        : {
            accountNamesMissing:
              'the report has no line_item_usage_account_name column (the legacy CUR has no account names)',
          }),
    },
  };
}

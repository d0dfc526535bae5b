/**
 * Replays the real CUR export (../shared/data/cur-2018, Oct-Dec 2018) night by night through the
 * real score-anomalies job with the default settings, as a new install would see it: each night
 * the job scores with the history as of that day. Prints per night the anomalies raised, how many
 * are decreases, under the thresholds, or the same event twice (all 0 by default), the days from an
 * event's start to its first alert, and every event raised with its root-cause line; then the
 * Slack alert of the largest events as a FinOps engineer reads it.
 *
 *   npm run bench:cost-anomalies [-- --direction both] [--min-history N] [--data DIR]
 *
 * The export has 92 days, so the minimum history is lowered to 28 days (the test suites' figure;
 * `--min-history 7` goes below the setting's own minimum of 14 to reach the +55 % step of
 * 2018-10-10, which then has 9 days before it: models trained on 7 rows alarm on little).
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig, type Config } from '../src/config.js';
import { curChargeKind } from '../src/cost/charge-kind.js';
import { replaceCostDays } from '../src/db/queries/cost-daily.js';
import { anomalies, type Anomaly, type NewCostDailyRow } from '../src/db/schema/index.js';
import { compatible } from '../src/ml/anomaly/cost-events.js';
import { rootCauseText } from '../src/slack/messages/anomaly-detail.js';
import { alertMessage } from '../src/slack/messages/alert.js';
import { usageTypeOfScope } from '../src/slack/messages/scope-label.js';
import { addDays } from '../src/days.js';
import { pino } from 'pino';
import { scoreAnomalies } from '../src/worker/jobs/analyze/score-anomalies.js';
import { createTestDatabase } from '../test/support/database.js';
import { dataDir } from './data-dir.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The export summed per day, account, service, region, usage type and line item type, as collected. */
async function readCur(dir: string): Promise<Omit<NewCostDailyRow, 'loadedAt'>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const result = await con.runAndReadAll(`
    select strftime(date_trunc('day', line_item_usage_start_date), '%Y-%m-%d') as day, line_item_usage_account_id as account,
           line_item_product_code as service, coalesce(nullif(product_region, ''), 'global') as region,
           line_item_usage_type as usage_type, line_item_line_item_type as charge_type,
           sum(line_item_unblended_cost) as usd, sum(line_item_usage_amount) as amount
    from read_parquet('${join(dir, 'cur-2018', '*.parquet').replaceAll("'", "''")}')
    group by all`);
  return result.getRowObjects().map((r) => ({
    day: String(r['day']),
    accountId: String(r['account']),
    service: String(r['service']),
    region: String(r['region']),
    usageType: String(r['usage_type']),
    chargeType: String(r['charge_type']),
    chargeKind: curChargeKind(String(r['charge_type'])),
    unblendedUsd: Number(r['usd']),
    usageAmount: Number(r['amount']),
  }));
}

const dimensionsOf = (a: Anomaly) => ({
  accountId: a.accountId ?? undefined,
  service: a.service ?? undefined,
  region: a.region ?? undefined,
  usageType: usageTypeOfScope(a.scope),
});

/** Pairs of stored anomalies over the same days, moving the same way, that can be the same spend. */
function sameEventTwice(list: readonly Anomaly[]): number {
  let n = 0;
  for (const [i, a] of list.entries())
    for (const b of list.slice(i + 1))
      if (
        a.startDay <= b.endDay &&
        b.startDay <= a.endDay &&
        Math.sign(a.impactUsd) === Math.sign(b.impactUsd) &&
        compatible(dimensionsOf(a), dimensionsOf(b))
      )
        n++;
  return n;
}

function underThresholds(a: Anomaly, config: Config): boolean {
  return (
    Math.abs(a.impactUsd) < config.ANOMALY_MIN_IMPACT_USD ||
    (a.impactPercent !== null && Math.abs(a.impactPercent) < config.ANOMALY_MIN_IMPACT_PERCENT)
  );
}

/** The first root-cause line, without Slack's bold marks. */
const causeLine = (a: Anomaly) => (rootCauseText(a).split('\n')[0] ?? '').replaceAll('*', '');

async function main(): Promise<void> {
  const dir = dataDir();
  const base = loadConfig('worker', {
    DATABASE_URL: 'postgres://unused',
    REDIS_URL: 'redis://unused',
    AWS_REGION: 'us-east-1',
    ...(arg('--direction') ? { ANOMALY_DIRECTION: arg('--direction')! } : {}),
  });
  // Lowered: the export is 92 days long (see the header); may go below the setting's minimum of 14.
  const config: Config = { ...base, ANOMALY_MIN_HISTORY_DAYS: Number(arg('--min-history') ?? 28) };
  const rows = await readCur(dir);
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const database = await createTestDatabase();
  const log = pino({ level: 'silent' });
  try {
    await replaceCostDays(database.db, {
      fromDay: days[0]!,
      toDay: addDays(days.at(-1)!, 1),
      rows,
      loadedAt: new Date(),
    });
    console.log(
      `CUR 2018: ${rows.length} rows, ${days[0]}..${days.at(-1)}; ANOMALY_DIRECTION=${config.ANOMALY_DIRECTION}, ` +
        `min impact $${config.ANOMALY_MIN_IMPACT_USD} and ${config.ANOMALY_MIN_IMPACT_PERCENT} %, ` +
        `scopes ${config.ANOMALY_SCOPES.join(',')}, min history ${config.ANOMALY_MIN_HISTORY_DAYS} days (bench), ` +
        `score days ${config.ANOMALY_SCORE_DAYS}`,
    );
    console.log('night       raised  decreases  under-thresholds  same-event-twice  days-to-alert');
    const firstAlert = new Map<number, string>();
    const totals = { raised: 0, decreases: 0, under: 0, twice: 0 };
    const cpu0 = process.cpuUsage();
    for (const night of days.slice(config.ANOMALY_MIN_HISTORY_DAYS)) {
      const now = new Date(`${addDays(night, 1)}T07:00:00Z`);
      const outcome = await scoreAnomalies({ db: database.db, config, log, now: () => now }, { asOf: night });
      const newIds = new Set((outcome.details?.['newAnomalyIds'] as number[] | undefined) ?? []);
      const stored = await database.db.select().from(anomalies);
      const raised = stored.filter((a) => newIds.has(a.id));
      for (const a of raised) firstAlert.set(a.id, night);
      const row = {
        raised: raised.length,
        decreases: raised.filter((a) => a.impactUsd < 0).length,
        under: raised.filter((a) => underThresholds(a, config)).length,
        twice: sameEventTwice(stored),
      };
      totals.raised += row.raised;
      totals.decreases += row.decreases;
      totals.under += row.under;
      totals.twice = Math.max(totals.twice, row.twice);
      const lag = raised.map((a) => Math.round((Date.parse(night) - Date.parse(a.startDay)) / 86_400_000));
      if (row.raised + row.twice > 0)
        console.log(
          `${night}  ${String(row.raised).padStart(6)}  ${String(row.decreases).padStart(9)}  ${String(row.under).padStart(16)}  ${String(row.twice).padStart(16)}  ${lag.join(',')}`,
        );
    }
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `all nights: raised ${totals.raised}, decreases ${totals.decreases}, under thresholds ${totals.under}, ` +
        `same event twice (max on a night) ${totals.twice}; ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`,
    );
    const events = (await database.db.select().from(anomalies)).sort((a, b) => (a.startDay < b.startDay ? -1 : 1));
    console.log(`\nEvents raised over the replay (${events.length}):`);
    for (const a of events) {
      const first = firstAlert.get(a.id);
      const lag =
        first === undefined
          ? ''
          : `, first raised ${first} (+${Math.round((Date.parse(first) - Date.parse(a.startDay)) / 86_400_000)} d)`;
      console.log(
        `  #${a.id} ${a.scope} ${a.startDay}..${a.endDay} ${a.severity} impact ${a.impactUsd.toFixed(2)} ` +
          `(${a.impactPercent === null ? 'new' : `${a.impactPercent.toFixed(1)} %`}), actual ${a.actualUsd.toFixed(2)} vs expected ${a.expectedUsd.toFixed(2)}${lag}`,
      );
      console.log(`      ${causeLine(a)}`);
    }
    if (process.argv.includes('--payloads')) {
      for (const a of [...events].sort((x, y) => Math.abs(y.impactUsd) - Math.abs(x.impactUsd)).slice(0, 2))
        console.log(`\nSlack alert #${a.id}:\n${JSON.stringify(alertMessage(a), null, 1)}`);
    }
  } finally {
    await database.drop();
  }
}

await main();

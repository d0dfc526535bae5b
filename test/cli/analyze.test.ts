import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import type { AnomalyItem } from '../../src/api/anomalies.js';
import type { ForecastItem } from '../../src/api/forecasting.js';

/**
 * `costbot analyze` as a user runs it: a child process with only PATH (and the settings a test
 * names) on the real CUR export of Oct-Dec 2018 (test/fixtures/cur-export), through the worker's
 * own jobs on an embedded PGlite. Expected figures come from the file, read with DuckDB here.
 */
const EXPORT = 'test/fixtures/cur-export';
const PARQUET = `${EXPORT}/cur-2018-q4-cost-columns.parquet`;
const FOCUS_CUT = 'test/fixtures/cost/focus-sample-cut.csv';
const dir = mkdtempSync(join(tmpdir(), 'costbot-analyze-'));

async function costbot(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'analyze', ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('costbot analyze on the real CUR export', () => {
  const out = join(dir, 'analysis');
  let run: Awaited<ReturnType<typeof costbot>>;
  let anomalies: AnomalyItem[];
  let forecasts: { data: ForecastItem; availableScopes: string[] }[];
  let report: string;

  beforeAll(async () => {
    // 92 days of export: a 30-day minimum history lets most of it be scored (the default 90 would leave 2 days);
    // the export's notable event is a drop (AWS Glue stopped), and drops are reported on request only.
    run = await costbot(['--cur', EXPORT, '--output', out], {
      ANOMALY_MIN_HISTORY_DAYS: '30',
      ANOMALY_DIRECTION: 'both',
    });
    if (run.code === 0) {
      anomalies = JSON.parse(readFileSync(join(out, 'anomalies.json'), 'utf8')) as AnomalyItem[];
      forecasts = JSON.parse(readFileSync(join(out, 'forecast.json'), 'utf8')) as typeof forecasts;
      report = readFileSync(join(out, 'report.md'), 'utf8');
    }
  }, 600_000);

  it('exits 0 with a short summary and writes the anomalies, the forecast, the report and PNG charts', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^read 1 legacy CUR file\(s\): 334911 line items, 2018-10-01 to 2018-12-31; as of 2018-12-31\nanomalies: \d+; largest: .+\nforecast: 2019-01 \$[\d,.]+ total\nwrote .+report\.md, anomalies\.json, forecast\.json and \d+ chart\(s\)\n$/,
    );
    const pngs = readdirSync(out).filter((f) => f.endsWith('.png'));
    expect(pngs).toContain('forecast-total.png');
    expect(pngs.some((f) => f.startsWith('anomaly-'))).toBe(true);
    for (const f of pngs) expect(readFileSync(join(out, f)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('finds the AWS Glue spend that stopped on 2018-11-21, with its dollars and root cause, shaped like the API', async () => {
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    // Glue's daily cost in the 30 days before the stop, from the file itself.
    const [[before, after]] = (
      await duck.runAndReadAll(
        `SELECT sum(line_item_unblended_cost) FILTER (WHERE line_item_usage_start_date >= '2018-10-22' AND line_item_usage_start_date < '2018-11-21') / 30,
                coalesce(sum(line_item_unblended_cost) FILTER (WHERE line_item_usage_start_date >= '2018-11-21'), 0)
         FROM '${PARQUET}' WHERE line_item_product_code = 'AWSGlue'`,
      )
    ).getRows() as [[number, number]];
    duck.closeSync();
    expect(Number(before)).toBeGreaterThan(50);
    expect(Number(after)).toBe(0);

    const glue = anomalies.find((a) => a.service === 'AWSGlue');
    expect(glue).toMatchObject({ startDay: '2018-11-21', endDay: '2018-12-31', status: 'open', actualUsd: 0 });
    expect(glue!.impactUsd).toBeLessThan(-500);
    expect(['high', 'critical']).toContain(glue!.severity);
    expect(JSON.stringify(glue!.rootCause)).toContain('USE1-DEVED-DPU-Hour');
    // Every item carries the fields of GET /api/ml/anomalies, and nothing else.
    for (const a of anomalies)
      expect(Object.keys(a).sort()).toEqual(
        [
          'id',
          'scope',
          'accountId',
          'service',
          'region',
          'startDay',
          'endDay',
          'durationDays',
          'status',
          'score',
          'severity',
          'actualUsd',
          'expectedUsd',
          'impactUsd',
          'impactPercent',
          'rootCause',
          'modelId',
          'feedback',
          'createdAt',
          'updatedAt',
        ].sort(),
      );
    expect(report).toContain(`| AWSGlue in account 836060457634 | 2018-11-21 to 2018-12-31 (ongoing) | $0.00 |`);
  });

  it('forecasts the total and the largest scopes per month, like GET /api/ml/forecasting', () => {
    const total3 = forecasts.find((f) => f.data.scope === 'total' && f.data.horizonMonths === 3)!;
    expect(total3.data).toMatchObject({ historyFrom: '2018-10-01', historyTo: '2018-12-31', runDay: '2018-12-31' });
    expect((total3.data.monthly as { month: string }[]).map((m) => m.month)).toEqual(['2019-01', '2019-02', '2019-03']);
    expect(total3.availableScopes).toContain('service:AmazonEC2');
    expect(new Set(forecasts.map((f) => f.data.horizonMonths))).toEqual(new Set([3, 6, 12]));
    expect(report).toMatch(/\| 2019-01 \| \$[\d,.]+ \| \$[\d,.]+ to \$[\d,.]+ \| \$[\d,.]+ to \$[\d,.]+ \|/);
  });

  it("reports the bill per month as the file's own totals, and what was not analysed", () => {
    expect(report).toContain('| 2018-10 | $4,064 | $4,196 |');
    expect(report).toContain('| 2018-11 | $3,505 | $3,633 |');
    expect(report).toContain('| 2018-12 | $408.38 | $539.85 |');
    expect(report).toContain('ANOMALY_MIN_HISTORY_DAYS=30');
    expect(report).toContain('the legacy CUR has no account names');
    expect(report).toContain('EC2 right-sizing: an export has no CloudWatch utilisation');
  });
});

describe('costbot analyze refuses bad input: one line on stderr, exit 2, nothing written', () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      'a Parquet file cut short',
      () => {
        const path = join(dir, 'cut-short.parquet');
        const bytes = readFileSync(PARQUET);
        writeFileSync(path, bytes.subarray(0, bytes.length / 3));
        return ['--cur', path];
      },
      /^error \[INPUT_INVALID\]: .*cut-short\.parquet: cannot be read as Parquet: .+\n$/,
    ],
    [
      'a FOCUS file without BilledCost',
      () => {
        const path = join(dir, 'focus-no-billed.csv');
        const lines = readFileSync(FOCUS_CUT, 'utf8').split('\n');
        writeFileSync(path, [lines[0]!.replace('"BilledCost"', '"Billed"'), ...lines.slice(1)].join('\n'));
        return ['--cur', path, '--as-of', '2024-09-30'];
      },
      /^error \[INPUT_INVALID\]: .*focus-no-billed\.csv: neither a CUR .* nor a FOCUS file .*\n$/,
    ],
    [
      'a FOCUS file without SubAccountId, read as FOCUS',
      () => {
        const path = join(dir, 'focus-no-subaccount.csv');
        const lines = readFileSync(FOCUS_CUT, 'utf8').split('\n');
        writeFileSync(path, [lines[0]!.replace('"SubAccountId"', '"SubAccount"'), ...lines.slice(1)].join('\n'));
        return ['--cur', path];
      },
      /^error \[INPUT_INVALID\]: .*focus-no-subaccount\.csv: lacks the FOCUS column\(s\) SubAccountId\n$/,
    ],
    [
      '--as-of after the data',
      () => ['--cur', EXPORT, '--as-of', '2019-02-01'],
      /^error \[INPUT_INVALID\]: --as-of 2019-02-01 is outside the data: test\/fixtures\/cur-export covers 2018-10-01 to 2018-12-31\n$/,
    ],
    [
      'a folder without export files',
      () => ['--cur', mkdtempSync(join(dir, 'empty-'))],
      /^error \[INPUT_INVALID\]: .*empty-\w+: no export files \(\.parquet, \.csv or \.csv\.gz\) found there\n$/,
    ],
  ];
  it.each(cases)(
    '%s',
    async (_name, args, message) => {
      const out = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
      const r = await costbot([...args(), '--output', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    },
    120_000,
  );

  it('a FOCUS file read with CUR_FORMAT=focus names the missing column', async () => {
    const path = join(dir, 'focus-copy.csv');
    copyFileSync(FOCUS_CUT, path);
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [lines[0]!.replace('"ChargeCategory"', '"Category"'), ...lines.slice(1)].join('\n'));
    const out = join(dir, 'refused-focus');
    const r = await costbot(['--cur', path, '--output', out], { CUR_FORMAT: 'focus' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/focus-copy\.csv: lacks the FOCUS column\(s\) ChargeCategory\n$/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { button, elementsOf, finalResponse, startHarness, textOf, USERS, type Harness } from './helpers/bot-harness.js';
import { instanceIdOf, scopeName, seedRealData, type Seeded } from './helpers/seed.js';
import { ACTIONABLE_FINDINGS } from '../../src/db/queries/recommendations.js';

/** The CUR sample ends on 2018-12-31; the bot's clock is the next morning. */
const NOW = new Date('2019-01-01T09:00:00Z');

let h: Harness;
let seeded: Seeded;

beforeAll(async () => {
  h = await startHarness({
    clock: { now: NOW },
    seed: async (db, config) => {
      seeded = await seedRealData(db, config);
    },
  });
});
afterAll(async () => h?.close());

type Blocks = Record<string, unknown>[];

async function run(text: string) {
  const sent = await h.sender.command(text, USERS.alice);
  expect(sent.status).toBe(200);
  expect(sent.body).toBe(''); // acked at once, the view follows through response_url
  return finalResponse(h.slack, sent.responseId);
}

/** Clicks a control of the message and returns the message that replaces it. */
async function clickIn(actionId: string, value: string, kind: 'button' | 'static_select' = 'button') {
  const responseId = h.sender.nextId('click');
  const sent = await h.sender.click({ actionId, value, user: USERS.alice, kind, responseId });
  expect(sent.status).toBe(200);
  const body = await finalResponse(h.slack, responseId);
  expect(body['replace_original']).toBe(true);
  return body;
}

function selectOption(blocks: Blocks | undefined, actionId: string, label: string): string {
  const select = elementsOf(blocks).find((e) => e['action_id'] === actionId) as
    { options: { text: { text: string }; value: string }[] } | undefined;
  const o = select?.options.find((x) => x.text.text === label);
  if (o === undefined) throw new Error(`no option ${label} in ${actionId}`);
  return o.value;
}

const anomalySections = (blocks: Blocks | undefined) =>
  (blocks ?? []).filter(
    (b) =>
      b['type'] === 'section' && (b['accessory'] as { action_id?: string } | undefined)?.action_id === 'anomaly_detail',
  );

describe('/cost anomalies', () => {
  it('lists the last 30 days by impact with badges, actual vs expected, impact and tooltips', async () => {
    const body = await run('anomalies 30d');
    const expected = seeded.anomalies
      .filter((a) => a.endDay >= '2018-12-03')
      .sort((a, b) => Math.abs(b.impactUsd) - Math.abs(a.impactUsd));
    expect(expected.length).toBeGreaterThan(0);
    expect(body.text).toBe(`${expected.length} cost anomalies (last 30 days · any severity · sorted by impact)`);
    const rows = anomalySections(body.blocks);
    expect(rows.length).toBe(Math.min(10, expected.length));
    // The largest impact may be a usage type's, which has no service: the row names its scope.
    const top = expected[0]!;
    expect(Math.abs(top.impactUsd)).toBeGreaterThan(Math.abs(expected[1]?.impactUsd ?? 0));
    expect((rows[0]!['accessory'] as { value: string }).value).toBe(String(top.id));
    const first = textOf(rows[0]);
    expect(first).toContain(scopeName(top));
    expect(first).toContain(top.startDay);
    expect(first).toContain('*Actual*');
    expect(first).toContain('*Expected*');
    expect(first).toMatch(/:(red|large_orange|large_yellow|white)_circle: (critical|high|medium|low)/);
    const text = textOf(body.blocks);
    expect(text).toContain('Isolation Forest');
    expect(text).toContain('*Impact* = actual − expected');
  });

  it('filters by severity and service from the command and sorts by date from the control', async () => {
    // A service that has an anomaly of medium or worse, asked for by part of its name in lower case.
    const service = seeded.anomalies.find((a) => a.severity !== 'low' && a.service !== null)!.service!;
    const part = service.slice(-4).toLowerCase();
    const body = await run(`anomalies 90d medium ${part}`);
    const expected = seeded.anomalies.filter((a) => a.severity !== 'low' && a.service?.toLowerCase().includes(part));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(seeded.anomalies.filter((a) => a.severity !== 'low').length);
    expect(body.text).toBe(
      `${expected.length} cost anomalies (last 90 days · medium or worse · service contains “${part}” · sorted by impact)`,
    );
    const rows = anomalySections(body.blocks);
    expect(rows.map((row) => (row['accessory'] as { value: string }).value).sort()).toEqual(
      expected.map((a) => String(a.id)).sort(),
    );
    // Titled by its scope, with the service named (a usage type's title names its service after it).
    for (const row of rows) expect(textOf(row)).toMatch(new RegExp(`(medium|high|critical) \\*[^*]*${service}`));
    const byDate = await clickIn(
      'anomalies_sort',
      selectOption(body.blocks, 'anomalies_sort', 'Sort by date'),
      'static_select',
    );
    const days = anomalySections(byDate.blocks).map((b) => /\d{4}-\d{2}-\d{2}/.exec(textOf(b))![0]);
    expect(days).toEqual([...days].sort().reverse());
    expect(byDate.text).toContain('sorted by date');
  });

  it('changes range, severity and service through the select menus', async () => {
    // A service with a real anomaly in the seeded data (the service filter lists those).
    const svc = seeded.anomalies.find((a) => a.service !== null)!.service!;
    const body = await run('anomalies 7d');
    const wider = await clickIn(
      'anomalies_range',
      selectOption(body.blocks, 'anomalies_range', 'Last 90 days'),
      'static_select',
    );
    expect(wider.text).toBe(
      `${seeded.anomalies.length} cost anomalies (last 90 days · any severity · sorted by impact)`,
    );
    const medium = await clickIn(
      'anomalies_severity',
      selectOption(wider.blocks, 'anomalies_severity', 'medium or worse'),
      'static_select',
    );
    expect(medium.text).toBe(
      `${seeded.anomalies.filter((a) => a.severity !== 'low').length} cost anomalies (last 90 days · medium or worse · sorted by impact)`,
    );
    const qs = await clickIn(
      'anomalies_service',
      selectOption(medium.blocks, 'anomalies_service', svc),
      'static_select',
    );
    const n = seeded.anomalies.filter((a) => a.severity !== 'low' && a.service === svc).length;
    expect(qs.text).toBe(
      n === 0
        ? 'No cost anomalies match these filters'
        : `${n} cost anomalies (last 90 days · medium or worse · service contains “${svc}” · sorted by impact)`,
    );
    const any = await clickIn(
      'anomalies_severity',
      selectOption(qs.blocks, 'anomalies_severity', 'Any severity'),
      'static_select',
    );
    const ofService = seeded.anomalies.filter((a) => a.service === svc).length;
    expect(any.text).toBe(
      ofService === 0
        ? 'No cost anomalies match these filters'
        : `${ofService} cost anomalies (last 90 days · any severity · service contains “${svc}” · sorted by impact)`,
    );
  });

  it('pages through more anomalies than one message holds, each page within Block Kit limits', async () => {
    let body = await run('anomalies 90d');
    const total = seeded.anomalies.length;
    // The real events of the export (one anomaly per event): about a page of them.
    expect(total).toBeGreaterThanOrEqual(10);
    const seen = new Set<string>();
    let page = 0;
    for (; ; page++) {
      expect(body.blocks!.length).toBeLessThanOrEqual(50);
      for (const row of anomalySections(body.blocks)) seen.add(String((row['accessory'] as { value: string }).value));
      const next = elementsOf(body.blocks).find((e) => e['action_id'] === 'anomalies_page_next') as
        { value: string } | undefined;
      if (next === undefined) break;
      body = await clickIn('anomalies_page_next', next.value);
      expect(textOf(body.blocks)).toContain(`${(page + 1) * 10 + 1}–`);
    }
    expect(seen.size).toBe(total);
    expect(page).toBe(Math.ceil(total / 10) - 1);
    if (page === 0) return;
    // Previous from the last page shows the full page before it.
    const prev = button(body.blocks, 'anomalies_page_prev');
    const back = await clickIn(prev.action_id, prev.value);
    expect(anomalySections(back.blocks).length).toBe(10);
    expect(textOf(back.blocks)).toContain(`${(page - 1) * 10 + 1}–${page * 10} of ${total}`);
  });

  it('says why the list is empty', async () => {
    const empty = 'anomalies 7d critical AmazonRoute53';
    const body = await run(empty);
    expect(body.text).toBe('No cost anomalies match these filters');
    expect(textOf(body.blocks)).toContain(
      'No anomalies for last 7 days · critical or worse · service contains “AmazonRoute53” · sorted by impact. The most recent stored anomaly ran until 2018-12-31; cost data covers 2018-10-01 → 2018-12-31.',
    );
  });
});

describe('/cost rightsize', () => {
  const actionable = () => seeded.recommendations.filter((r) => ACTIONABLE_FINDINGS.includes(r.finding));
  const sortedBySavings = () =>
    actionable().sort((a, b) => (b.monthlySavingsUsd ?? -Infinity) - (a.monthlySavingsUsd ?? -Infinity));

  it('shows cards with before/after, savings, risk, confidence, reasoning and Apply, with the savings summary', async () => {
    const body = await run('rightsize top 3');
    const top = sortedBySavings()[0]!;
    const text = textOf(body.blocks);
    const total = actionable().reduce((s, r) => s + Math.max(0, r.monthlySavingsUsd ?? 0), 0);
    expect(text).toContain(`*Potential savings:* $${Math.round(total).toLocaleString('en-US')}/month`);
    expect(text).toContain(`*${top.instanceId}* · ${top.currentType} → ${top.recommendedType}`);
    expect(text).toContain(top.reasoning.slice(0, 60));
    expect(text).toContain('*Confidence*');
    expect(text).toContain('*Risk*');
    expect(elementsOf(body.blocks).filter((e) => e['action_id'] === 'recommendation_apply').length).toBe(3);
  });

  it('pages a top N that would not fit in one message (4 blocks a card, 50 blocks a message)', async () => {
    let body = await run('rightsize top 30');
    const seen: string[] = [];
    for (;;) {
      expect(body.blocks!.length).toBeLessThanOrEqual(50);
      seen.push(
        ...elementsOf(body.blocks)
          .filter((e) => e['action_id'] === 'recommendation_detail')
          .map((e) => String(e['value'])),
      );
      const next = elementsOf(body.blocks).find((e) => e['action_id'] === 'recommendations_page_next') as
        { value: string } | undefined;
      if (next === undefined) break;
      body = await clickIn('recommendations_page_next', next.value);
    }
    expect(seen.length).toBe(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('shows one instance by id, and says when an id is unknown', async () => {
    const rec = seeded.recommendations.find((r) => r.instanceId === instanceIdOf(21))!;
    const body = await run(`rightsize ${rec.instanceId}`);
    expect(textOf(body.blocks)).toContain(`${rec.currentType} → ${rec.recommendedType}`);
    const unknown = await run('rightsize i-0123456789abcdef0');
    expect(unknown.text).toContain('No active right-sizing result for i-0123456789abcdef0');
  });
});

describe('/cost forecast, status, help and usage', () => {
  it('forecast: totals, interval, trend and the horizon buttons', async () => {
    const body = await run('forecast 3');
    const f = seeded.forecasts.find((x) => x.scope === 'total' && x.horizonMonths === 3)!;
    const months = f.monthly as { month: string; yhat: number; lower80: number; upper80: number }[];
    const text = textOf(body.blocks);
    expect(months.map((m) => m.month)).toEqual(['2019-01', '2019-02', '2019-03']);
    const usd = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(text).toContain(`\`2019-01\`  ${usd(months[0]!.yhat)}  (80 %: ${usd(months[0]!.lower80)} –`);
    // The trend is computed from the months shown: the last one against the last full month of history.
    const trend = f.trend as { description: string; direction: string; methodLabel: string };
    expect(text).toMatch(new RegExp(`\\*Trend:\\* :chart_with_${trend.direction}wards_trend: `));
    expect(text).toContain(trend.description);
    expect(text).toContain(`*Method:* ${trend.methodLabel} (92 days of history, under the 12 months`);
    const drivers = f.drivers as { dimension: string; label: string }[];
    expect(drivers.length).toBeGreaterThan(0);
    expect(text).toContain(`*Key drivers*\n• ${drivers[0]!.dimension} *${drivers[0]!.label}*:`);
    const twelve = await clickIn('forecast_horizon_12', '12');
    expect(twelve.text).toMatch(/^Forecast for the next 12 months: /);
  });

  it('forecast of one service or account: the same months the job stored for that scope', async () => {
    const body = await run('forecast 6 service AmazonEC2');
    const f = seeded.forecasts.find((x) => x.scope === 'service:AmazonEC2' && x.horizonMonths === 6)!;
    const text = textOf(body.blocks);
    expect(text).toContain('Spend forecast: next 6 months · service AmazonEC2');
    const usd = (x: number) => `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    for (const m of f.monthly as { month: string; yhat: number }[])
      expect(text).toContain(`\`${m.month}\`  ${usd(m.yhat)}`);
    const missing = textOf((await run('forecast account 999999999999')).blocks);
    expect(missing).toContain('No 3-month forecast for account 999999999999');
    expect(missing).toContain('service AmazonEC2');
  });

  it('status: last runs, models and data freshness from the database', async () => {
    const body = await run('status');
    const text = textOf(body.blocks);
    expect(text).toContain('*Cost (CUR):* 92 days, 2018-10-01 → 2018-12-31');
    expect(text).toContain(`*EC2 inventory:* ${seeded.recommendations.length} instances`);
    expect(text).toContain(`*Anomalies:* ${seeded.anomalies.length} stored`);
    // The forecast job stored its model versions; no anomaly model was trained in this data set.
    expect(text).toMatch(/:large_green_circle: \*forecast\*: \d+ active scopes \(latest v1, trained to 2018-12-31\)/);
  });

  it('help lists every command with an example; anything else gets the usage with an example', async () => {
    const help = await run('help');
    for (const c of ['/cost anomalies', '/cost rightsize', '/cost forecast', '/cost status', '/cost help'])
      expect(textOf(help.blocks)).toContain(c);
    for (const bad of ['', 'bogus', 'anomalies 14d', 'rightsize top 0', 'forecast 5', 'status now']) {
      const body = await run(bad);
      expect(body.text).toMatch(/^Usage: /);
      expect(textOf(body.blocks)).toContain('*Example:* `/cost anomalies 30d high`');
    }
  });
});

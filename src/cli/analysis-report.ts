import { money, signedPercent } from '../slack/messages/format.js';
import { readForecastTrend, readRootCause } from '../slack/messages/stored-shapes.js';
import type { ExportAnalysis } from './export-analysis.js';

/**
 * report.md of `costbot analyze`: what a FinOps engineer reads first. The bill per month, the
 * largest anomalies with dollars, dates and root cause, the forecast per month, and everything
 * that was not analysed with the reason the jobs gave.
 */

const TOP_ANOMALIES = 10;

/** A month of forecasts.monthly as the forecast job stores it (src/worker/jobs/analyze/forecast-shapes.ts). */
interface MonthRow {
  month: string;
  yhat: number;
  lower80?: number;
  upper80?: number;
  lower95?: number;
  upper95?: number;
  observedUsd?: number;
}
const CAUSES_PER_ANOMALY = 3;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function billSection(r: ExportAnalysis): string[] {
  const basis = r.costBasis;
  const lines = [
    '## The bill',
    '',
    `| month | unblended | ${basis === 'unblended' ? 'amortized' : basis} |`,
    '|---|---:|---:|',
  ];
  for (const m of r.monthly) {
    const other = basis === 'net-amortized' ? m.netAmortizedUsd : m.amortizedUsd;
    lines.push(`| ${m.period} | ${money(m.unblendedUsd)} | ${other === null ? 'not in the export' : money(other)} |`);
  }
  return [...lines, ''];
}

/** Which days were scored, and what decides it: a scope is scored once it has the minimum history. */
function scoredDays(r: ExportAnalysis): string {
  const window = r.outcomes['score-anomalies']?.details?.['window'];
  const min = r.minHistoryDays;
  return `Days scored: ${typeof window === 'string' ? window.replace('..', ' to ') : 'none'}, each scope from the day after its first ${min} days of cost (ANOMALY_MIN_HISTORY_DAYS=${min}; from 14 upwards, lower it to score more of a short export).`;
}

function anomalySection(r: ExportAnalysis): string[] {
  const lines = ['## Anomalies', '', scoredDays(r), ''];
  if (r.anomalies.length === 0) {
    lines.push(
      'No anomaly was found in the days that could be scored (see "Not analysed" for the days and scopes that could not).',
      '',
    );
    return lines;
  }
  const bySeverity = ['critical', 'high', 'medium', 'low']
    .map((s) => [s, r.anomalies.filter((a) => a.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  lines.push(
    `${r.anomalies.length} anomalies (${bySeverity.join(', ')}); the ${Math.min(TOP_ANOMALIES, r.anomalies.length)} largest by dollar impact:`,
    '',
    '| # | severity | scope | days | actual | expected | impact | top causes |',
    '|---|---|---|---|---:|---:|---:|---|',
  );
  r.anomalies.slice(0, TOP_ANOMALIES).forEach((a, i) => {
    const days = a.startDay === a.endDay ? a.startDay : `${a.startDay} to ${a.endDay}`;
    const causes = readRootCause(a.rootCause)
      .items.slice(0, CAUSES_PER_ANOMALY)
      .map((c) => `${c.dimension} ${c.value} ${c.deltaUsd >= 0 ? '+' : ''}${money(c.deltaUsd)}`)
      .join('; ');
    lines.push(
      `| ${i + 1} | ${a.severity} | ${cell(r.labels.get(a.id) ?? a.scope)} | ${days}${a.status === 'open' ? ' (ongoing)' : ''} | ${money(a.actualUsd)} | ${money(a.expectedUsd)} | ${a.impactUsd >= 0 ? '+' : ''}${money(a.impactUsd)} (${signedPercent(a.impactPercent)}) | ${cell(causes || 'no finer breakdown')} |`,
    );
  });
  return [...lines, '', 'Every anomaly with its full root cause is in `anomalies.json`.', ''];
}

function forecastSection(r: ExportAnalysis): string[] {
  const lines = ['## Forecast', ''];
  // The 3-month horizon: the one a budget owner acts on; 6 and 12 months are in forecast.json.
  const total = r.forecasts.map((f) => f.data).find((f) => f.scope === 'total' && f.horizonMonths === 3);
  if (total === undefined) {
    lines.push('No forecast could be made (see "Not analysed").', '');
    return lines;
  }
  const trend = readForecastTrend(total.trend);
  lines.push(
    `Total ${r.costBasis} cost per month for the next 3 months, from ${total.historyFrom} to ${total.historyTo} of history (confidence: ${total.confidence}${trend ? `; ${trend.description}` : ''}):`,
    '',
    '| month | forecast | 80 % interval | 95 % interval | observed so far |',
    '|---|---:|---:|---:|---:|',
  );
  for (const m of total.monthly as MonthRow[]) {
    const range = (lo?: number, hi?: number) =>
      lo === undefined || hi === undefined ? '' : `${money(lo)} to ${money(hi)}`;
    lines.push(
      `| ${m.month} | ${money(m.yhat)} | ${range(m.lower80, m.upper80)} | ${range(m.lower95, m.upper95)} | ${m.observedUsd ? money(m.observedUsd) : ''} |`,
    );
  }
  if (total.warnings.length > 0) lines.push('', ...total.warnings.map((w) => `- ${w}`));
  const scopes = [...new Set(r.forecasts.map((f) => f.data.scope).filter((s) => s !== 'total'))];
  if (scopes.length > 0) lines.push('', `Also forecast on their own: ${scopes.join(', ')} (in \`forecast.json\`).`);
  return [...lines, ''];
}

/** Strings and string lists the jobs report under these detail keys. */
const NOT_ANALYSED_KEYS: Record<string, string> = {
  tooShort: 'too little history to train an anomaly model',
  notScored: 'not scored',
  refused: 'not forecast',
  costBasisMissing: 'cost basis missing',
  accountNamesMissing: 'no account names',
  note: 'note',
};

function notAnalysedSection(r: ExportAnalysis): string[] {
  const lines = ['## Not analysed, and why', ''];
  for (const [job, outcome] of Object.entries(r.outcomes)) {
    if (outcome.skipped) lines.push(`- ${job} skipped: ${outcome.skipped}`);
    for (const [key, what] of Object.entries(NOT_ANALYSED_KEYS)) {
      const value = outcome.details?.[key];
      const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
      if (items.length === 0) continue;
      lines.push(
        `- ${job}, ${what}: ${items.slice(0, 12).join('; ')}${items.length > 12 ? `; and ${items.length - 12} more` : ''}`,
      );
    }
    const others = outcome.details?.['otherProviders'];
    if (Array.isArray(others))
      for (const o of others as { provider: string; lineItems: number; billedUsd: number }[])
        lines.push(
          `- ${o.lineItems} line items of ${o.provider} (${money(o.billedUsd)} billed): costbot analyses AWS costs only`,
        );
  }
  lines.push('- EC2 right-sizing: an export has no CloudWatch utilisation; it needs the worker on the AWS account.');
  return [...lines, ''];
}

export function analysisReport(r: ExportAnalysis): string {
  const e = r.export;
  return [
    '# Cost analysis',
    '',
    `${e.files} ${e.format} file(s), ${e.lineItems.toLocaleString('en-US')} line items from ${e.firstDay} to ${e.lastDay}; analysed as of ${r.asOf} on ${r.costBasis} cost.`,
    '',
    ...billSection(r),
    ...anomalySection(r),
    ...forecastSection(r),
    ...notAnalysedSection(r),
    '## Charts',
    '',
    ...(r.charts.length === 0
      ? ['None could be drawn.']
      : r.charts.map((c) => `- [${c.filename}](${c.filename}): ${c.alt}`)),
    '',
  ].join('\n');
}

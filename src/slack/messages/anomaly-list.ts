import type { Anomaly } from '../../db/schema/index.js';
import { scopeLabel } from './scope-label.js';
import { RANGES, encodeAnomalyState, type AnomalyListState } from './view-state.js';
import { dayRange, money, SEVERITY_BADGE, signedPercent } from './format.js';
import {
  actions,
  button,
  context,
  esc,
  header,
  option,
  section,
  staticSelect,
  type Block,
  type MessageBody,
  type Option,
} from './kit.js';
import { anomalyTips } from './tooltips.js';
import { SEVERITIES, type Severity } from '../../ml/anomaly/severity.js';

/** Anomalies per page: 10 sections plus header, filters, tips and paging stay far below 50 blocks. */
export const ANOMALIES_PER_PAGE = 10;

export const ACTION = {
  range: 'anomalies_range',
  severity: 'anomalies_severity',
  sort: 'anomalies_sort',
  service: 'anomalies_service',
  page: 'anomalies_page',
  detail: 'anomaly_detail',
} as const;

/** Where the anomaly happened, e.g. "AmazonEC2 · account 123456789012", "usage type SpotUsage:c5.large". */
export function anomalyTitle(a: Anomaly): string {
  const label = scopeLabel(a);
  const parts = [label];
  if (a.service !== null && label !== a.service) parts.push(a.service);
  if (a.accountId !== null && !label.startsWith('account ')) parts.push(`account ${a.accountId}`);
  if (a.region !== null && !label.startsWith('region ')) parts.push(a.region);
  return parts.map(esc).join(' · ');
}

export function anomalySummaryFields(a: Anomaly): string[] {
  return [
    `*Actual*\n${money(a.actualUsd)}`,
    `*Expected*\n${money(a.expectedUsd)}`,
    `*Impact*\n${money(a.impactUsd)} (${signedPercent(a.impactPercent)})`,
    `*Score*\n${a.score.toFixed(2)}`,
  ];
}

function anomalyRow(a: Anomaly): Block {
  const status = a.status === 'open' ? 'ongoing' : 'ended';
  const feedback = a.feedback === null ? '' : ` · feedback: ${a.feedback}`;
  return section(
    `${SEVERITY_BADGE[a.severity]} *${anomalyTitle(a)}*\n${dayRange(a.startDay, a.endDay)} (${a.durationDays} d, ${status})${feedback}`,
    { fields: anomalySummaryFields(a), accessory: button('Details', ACTION.detail, String(a.id)) },
  );
}

function controls(s: AnomalyListState, services: string[]): Block {
  const with_ = (patch: Partial<AnomalyListState>) => encodeAnomalyState({ ...s, ...patch, page: 0 });
  const rangeOptions = RANGES.map((r) => option(`Last ${r.replace('d', ' days')}`, with_({ range: r })));
  const sevValues: (Severity | undefined)[] = [undefined, ...SEVERITIES];
  const sevOptions = sevValues.map((v) =>
    option(v === undefined ? 'Any severity' : `${v} or worse`, with_({ minSeverity: v })),
  );
  const sortOptions = [
    option('Sort by impact', with_({ sort: 'impact' })),
    option('Sort by date', with_({ sort: 'date' })),
  ];
  // The service list only offers names short enough for an option value; others are reached by typing them.
  const serviceNames = [...new Set([...(s.service ? [s.service] : []), ...services])].filter((n) => n.length <= 100);
  const serviceOptions: Option[] = [
    option('All services', with_({ service: undefined })),
    ...serviceNames.slice(0, 99).map((n) => option(n, with_({ service: n }))),
  ];
  const pick = (opts: Option[], value: string) => opts.find((o) => o.value === value);
  return actions([
    staticSelect(ACTION.range, 'Date range', rangeOptions, pick(rangeOptions, with_({}))),
    staticSelect(ACTION.severity, 'Severity', sevOptions, pick(sevOptions, with_({}))),
    staticSelect(ACTION.service, 'Service', serviceOptions, pick(serviceOptions, with_({}))),
    staticSelect(ACTION.sort, 'Sort', sortOptions, pick(sortOptions, with_({}))),
  ]);
}

function pagingButtons(s: AnomalyListState, total: number): Block | undefined {
  const pages = Math.ceil(total / ANOMALIES_PER_PAGE);
  const buttons = [];
  if (s.page > 0)
    buttons.push(button('◀ Previous', `${ACTION.page}_prev`, encodeAnomalyState({ ...s, page: s.page - 1 })));
  if (s.page + 1 < pages)
    buttons.push(button('Next ▶', `${ACTION.page}_next`, encodeAnomalyState({ ...s, page: s.page + 1 })));
  return buttons.length > 0 ? actions(buttons) : undefined;
}

export function describeFilters(s: AnomalyListState): string {
  const parts = [`last ${s.range.replace('d', ' days')}`];
  parts.push(s.minSeverity ? `${s.minSeverity} or worse` : 'any severity');
  if (s.service) parts.push(`service contains “${esc(s.service)}”`);
  parts.push(`sorted by ${s.sort}`);
  return parts.join(' · ');
}

export interface AnomalyListInput {
  state: AnomalyListState;
  rows: Anomaly[];
  total: number;
  /** Services with anomalies in the range, for the service filter. */
  services: string[];
  /** Shown instead of the rows when there are none: says what is missing and why. */
  emptyReason?: string;
}

export function anomalyListMessage(input: AnomalyListInput): MessageBody {
  const { state: s, rows, total } = input;
  const from = s.page * ANOMALIES_PER_PAGE + 1;
  const shown = total === 0 ? 'none' : `${from}–${from + rows.length - 1} of ${total}`;
  const blocks: Block[] = [
    header('Cost anomalies'),
    context(`${describeFilters(s)} · ${shown}`),
    controls(s, input.services),
  ];
  if (rows.length === 0) {
    blocks.push(section(input.emptyReason ?? 'No anomalies match these filters.'));
  } else {
    for (const a of rows) blocks.push(anomalyRow(a));
    blocks.push(anomalyTips());
  }
  const paging = pagingButtons(s, total);
  if (paging !== undefined) blocks.push(paging);
  const text =
    total === 0 ? 'No cost anomalies match these filters' : `${total} cost anomalies (${describeFilters(s)})`;
  return { text, blocks };
}

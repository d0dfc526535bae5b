import type { Anomaly } from '../../db/schema/index.js';
import { readRootCause } from './stored-shapes.js';
import { anomalySummaryFields, anomalyTitle } from './anomaly-list.js';
import { feedbackButtons } from './feedback.js';
import { dayRange, money, SEVERITY_BADGE } from './format.js';
import { context, esc, header, modal, section, slackFileImage, type Block } from './kit.js';
import { anomalyTips } from './tooltips.js';

/** What the detail view shows where the chart goes: the uploaded file, a loading note, or why there is none. */
export type ChartSlot =
  { kind: 'file'; fileId: string; alt: string } | { kind: 'loading' } | { kind: 'none'; reason: string };

export const ANOMALY_DETAIL_CALLBACK = 'anomaly_detail_modal';
const ROOT_CAUSE_LINES = 10;

const DIMENSION_LABEL: Record<string, string> = {
  usage_type: 'usage type',
  account: 'account',
  service: 'service',
  region: 'region',
  resource: 'resource',
};

export function rootCauseText(a: Anomaly): string {
  const { items, unreadable, notes } = readRootCause(a.rootCause);
  if (items.length === 0 && notes.length === 0) {
    return unreadable > 0
      ? `_The root cause was stored in a form this version cannot read (${unreadable} entries)._`
      : '_No root-cause breakdown was stored for this anomaly (the scope has no finer cost dimension)._';
  }
  const lines = items.slice(0, ROOT_CAUSE_LINES).flatMap((c, i) => {
    const share = c.share === null || c.share === undefined ? '' : ` (${Math.round(c.share * 100)} % of the impact)`;
    const sign = c.deltaUsd >= 0 ? '+' : '';
    // A slice (account · service · region · usage type) needs no dimension name before it.
    const label = c.dimension === 'slice' ? '' : `${DIMENSION_LABEL[c.dimension] ?? esc(c.dimension)} `;
    const name = c.name === undefined ? '' : ` (${esc(c.name)})`;
    const line = `${i + 1}. ${label}*${esc(c.value)}*${name}: ${sign}${money(c.deltaUsd)}${share} · ${money(c.expectedUsd)} → ${money(c.actualUsd)}`;
    return [line, ...(c.evidence ?? []).map((e) => `   ↳ ${esc(e)}`)];
  });
  if (items.length > ROOT_CAUSE_LINES) lines.push(`_…and ${items.length - ROOT_CAUSE_LINES} smaller contributors_`);
  for (const n of notes) lines.push(`_${esc(n)}_`);
  if (unreadable > 0) lines.push(`_${unreadable} entries could not be read._`);
  return lines.join('\n');
}

/** Services named by the root cause, else the anomaly's own service. */
export function affectedServices(a: Anomaly): string[] {
  const fromCause = readRootCause(a.rootCause).items.flatMap((c) =>
    c.dimension === 'slice' && c.service !== undefined ? [c.service] : c.dimension === 'service' ? [c.value] : [],
  );
  return [...new Set([...(a.service === null ? [] : [a.service]), ...fromCause])];
}

export function chartBlock(slot: ChartSlot): Block {
  if (slot.kind === 'file') return slackFileImage(slot.fileId, slot.alt, 'Daily cost around the anomaly');
  if (slot.kind === 'loading') return context(':hourglass_flowing_sand: Rendering the cost trend chart…');
  return context(`:bar_chart: No chart: ${slot.reason}`);
}

export function anomalyDetailBlocks(a: Anomaly, chart: ChartSlot): Block[] {
  const services = affectedServices(a);
  const status = a.status === 'open' ? 'ongoing' : 'ended';
  return [
    header(`${a.severity.toUpperCase()} cost anomaly`),
    section(
      `${SEVERITY_BADGE[a.severity]} *${anomalyTitle(a)}*\n${dayRange(a.startDay, a.endDay)} · ${a.durationDays} d · ${status}`,
      {
        fields: [
          ...anomalySummaryFields(a),
          `*Scope*\n${esc(a.scope)}`,
          `*Cost impact*\n${money(a.impactUsd)} over ${a.durationDays} d`,
        ],
      },
    ),
    section(`*Root cause, by dollar contribution*\n${rootCauseText(a)}`),
    section(
      `*Affected services*\n${services.length === 0 ? '_all services (total spend)_' : services.map(esc).join(', ')}`,
    ),
    chartBlock(chart),
    anomalyTips(),
    feedbackButtons(a),
  ];
}

export function anomalyDetailModal(a: Anomaly, chart: ChartSlot) {
  return modal(`Anomaly #${a.id}`, anomalyDetailBlocks(a, chart), {
    callbackId: ANOMALY_DETAIL_CALLBACK,
    privateMetadata: String(a.id),
  });
}

import { z } from 'zod';
import type { Recommendation } from '../../db/schema/index.js';
import { readEvidence } from './stored-shapes.js';
import type { ChartSlot } from './anomaly-detail.js';
import { money, percent } from './format.js';
import { actions, context, esc, header, modal, section, slackFileImage, type Block } from './kit.js';
import { applyButton, isApplicable, recommendationFields, type Specs } from './recommendation-card.js';
import { recommendationTips } from './tooltips.js';

export const REC_DETAIL_CALLBACK = 'recommendation_detail_modal';

const alternative = z.object({
  instanceType: z.string(),
  monthlyUsd: z.number(),
  monthlySavingsUsd: z.number(),
  note: z.string().optional(),
});

function alternativesText(r: Recommendation): string | undefined {
  const list = z.array(z.unknown()).safeParse(r.details['alternatives']);
  if (!list.success) return undefined;
  const lines = list.data.flatMap((raw) => {
    const a = alternative.safeParse(raw);
    if (!a.success) return [];
    const note = a.data.note ? ` — ${esc(a.data.note)}` : '';
    return [
      `• *${esc(a.data.instanceType)}*: ${money(a.data.monthlyUsd)}/mo, saves ${money(a.data.monthlySavingsUsd)}/mo${note}`,
    ];
  });
  return lines.length === 0 ? undefined : lines.slice(0, 5).join('\n');
}

function evidenceText(r: Recommendation): string {
  const e = readEvidence(r.details);
  const pLabel = e.percentile === undefined ? 'percentile' : `p${e.percentile}`;
  const lines = [
    `CPU ${pLabel}: ${percent(e.cpuPercentilePercent, 1)} · peak ${percent(e.cpuPeakPercent, 1)} · mean ${percent(e.cpuMeanPercent, 1)}`,
    e.memoryKnown === false
      ? 'Memory: *not measured* (no CloudWatch agent mem_used_percent); sized on the current memory, confidence lowered'
      : `Memory peak: ${e.memoryPeakGib === null || e.memoryPeakGib === undefined ? 'n/a' : `${e.memoryPeakGib.toFixed(1)} GiB`}`,
    `Projected CPU on the new type at ${pLabel}: ${percent(e.projectedCpuPercent, 1)}`,
    `Lookback: ${r.lookbackDays} d · data coverage ${e.coverage === undefined ? 'n/a' : `${Math.round(e.coverage * 100)} %`}`,
  ];
  return lines.join('\n');
}

function chartBlocks(charts: ChartSlot[]): Block[] {
  return charts.map((c) => {
    if (c.kind === 'file') return slackFileImage(c.fileId, c.alt, c.alt);
    if (c.kind === 'loading') return context(':hourglass_flowing_sand: Rendering the utilization charts…');
    return context(`:bar_chart: No chart: ${c.reason}`);
  });
}

export function recommendationDetailModal(r: Recommendation, specs: Specs, charts: ChartSlot[]) {
  const alt = alternativesText(r);
  const blocks: Block[] = [
    header(`${r.instanceId}`),
    section(`*${r.finding}* · account ${esc(r.accountId)} · ${esc(r.region)}`, {
      fields: recommendationFields(r, specs),
    }),
    section(`*Reasoning*\n${esc(r.reasoning)}`),
    section(`*Utilization over the lookback*\n${evidenceText(r)}`),
    ...(alt === undefined ? [] : [section(`*Alternatives*\n${alt}`)]),
    ...chartBlocks(charts),
    recommendationTips(),
  ];
  if (isApplicable(r)) blocks.push(actions([applyButton(r)]));
  return modal(`Rightsize ${r.instanceId}`.slice(0, 24), blocks, {
    callbackId: REC_DETAIL_CALLBACK,
    privateMetadata: String(r.id),
  });
}

import type { types } from '@slack/bolt';
import type { Logger } from 'pino';
import { getAnomaly } from '../db/queries/anomalies.js';
import { getRecommendation, typeSpecs } from '../db/queries/recommendations.js';
import type { WebClient } from '../slack/client.js';
import { anomalyDetailModal, type ChartSlot } from '../slack/messages/anomaly-detail.js';
import { section, modal } from '../slack/messages/kit.js';
import { recommendationDetailModal } from '../slack/messages/recommendation-detail.js';
import { anomalyChart, shareChart, utilizationCharts, type RenderedChart } from '../charts/stored-charts.js';
import type { ChartFiles } from '../slack/chart-files.js';
import type { PageDeps } from './deps.js';

/** What a detail modal reads: the database, and the chart files kept by this bot process. */
export type DetailDeps = PageDeps & { chartFiles: ChartFiles };

/** Opening a detail modal from a click or a shortcut. */
export interface OpenModalParams {
  client: WebClient;
  triggerId: string;
  /** Who clicked: charts are shared into their direct messages with costbot, where the modal may show them. */
  userId: string;
  /** Push onto the open modal (click inside a modal) instead of opening a new one. */
  push: boolean;
  log: Logger;
}

async function show(p: OpenModalParams, view: types.ModalView): Promise<{ id: string; hash: string } | undefined> {
  const res = p.push
    ? await p.client.views.push({ trigger_id: p.triggerId, view })
    : await p.client.views.open({ trigger_id: p.triggerId, view });
  return res.view?.id !== undefined && res.view.hash !== undefined
    ? { id: res.view.id, hash: res.view.hash }
    : undefined;
}

const DM = 'your direct messages with costbot';

/**
 * Shares each chart into the user's DM with costbot (a modal may only show a file shared where the
 * viewer can see it; a private file is refused) and returns the slots to show, or why not.
 */
async function chartSlots(deps: DetailDeps, p: OpenModalParams, charts: RenderedChart[]): Promise<ChartSlot[]> {
  if (charts.every((c) => 'reason' in c))
    return charts.map((c) => ({ kind: 'none', reason: (c as { reason: string }).reason }));
  try {
    const dm = await p.client.conversations.open({ users: p.userId });
    const channelId = dm.channel?.id;
    if (channelId === undefined) throw new Error('conversations.open returned no channel');
    const slots: ChartSlot[] = [];
    for (const c of charts) slots.push(await shareChart(p.client, deps.chartFiles, c, { channelId }, DM));
    return slots;
  } catch (err) {
    p.log.warn({ err }, 'chart could not be uploaded');
    return charts.map(() => ({ kind: 'none', reason: 'the chart could not be uploaded this time (see the bot log)' }));
  }
}

function isInvalidBlocks(err: unknown): boolean {
  return (err as { data?: { error?: string } }).data?.error === 'invalid_blocks';
}

/** Updates the modal with its charts; if Slack refuses a chart block, again without the images. */
async function updateWithCharts(
  p: OpenModalParams,
  opened: { id: string; hash: string },
  slots: ChartSlot[],
  view: (slots: ChartSlot[]) => types.ModalView,
): Promise<void> {
  try {
    await p.client.views.update({ view_id: opened.id, hash: opened.hash, view: view(slots) });
  } catch (err) {
    if (!isInvalidBlocks(err) || slots.every((s) => s.kind !== 'file')) throw err;
    p.log.warn({ err }, 'Slack refused a chart block; showing the view without the images');
    const without = slots.map((s): ChartSlot =>
      s.kind === 'file' ? { kind: 'none', reason: `Slack did not show the image here; the chart is in ${DM}` } : s,
    );
    await p.client.views.update({ view_id: opened.id, hash: opened.hash, view: view(without) });
  }
}

export function notFoundModal(what: string): types.ModalView {
  return modal('Not found', [
    section(`:warning: ${what} is not in the database (it may have been replaced by a newer run).`),
  ]);
}

/**
 * The anomaly detail modal: opened at once (the trigger expires in 3 s) with a loading note where
 * the chart goes, then updated with the uploaded chart.
 */
export async function openAnomalyDetail(deps: DetailDeps, p: OpenModalParams, anomalyId: number): Promise<void> {
  const a = await getAnomaly(deps.db, anomalyId);
  if (a === undefined) {
    await show(p, notFoundModal(`Anomaly #${anomalyId}`));
    return;
  }
  const opened = await show(p, anomalyDetailModal(a, { kind: 'loading' }));
  if (opened === undefined) return;
  const key = `anomaly:${a.id}:${a.updatedAt.toISOString()}:${deps.config.COST_BASIS}`;
  const chart = await deps.chartFiles
    .render(key, () => anomalyChart(deps, a))
    .catch((err: unknown) => {
      p.log.warn({ err }, 'anomaly chart could not be rendered');
      return { reason: 'the chart could not be rendered this time (see the bot log)' };
    });
  const slots = await chartSlots(deps, p, [chart]);
  await updateWithCharts(p, opened, slots, ([slot]) => anomalyDetailModal(a, slot!));
}

/** The recommendation detail modal with CPU and memory utilization charts. */
export async function openRecommendationDetail(
  deps: DetailDeps,
  p: OpenModalParams,
  recommendationId: number,
): Promise<void> {
  const r = await getRecommendation(deps.db, recommendationId);
  if (r === undefined) {
    await show(p, notFoundModal(`Recommendation #${recommendationId}`));
    return;
  }
  const specs = await typeSpecs(deps.db, [r.currentType, r.recommendedType]);
  const opened = await show(p, recommendationDetailModal(r, specs, [{ kind: 'loading' }]));
  if (opened === undefined) return;
  const key = `recommendation:${r.id}:${r.createdAt.toISOString()}`;
  const charts = await deps.chartFiles
    .render(key, () => utilizationCharts(deps, r))
    .catch((err: unknown) => {
      p.log.warn({ err }, 'utilization charts failed');
      return [{ reason: 'the charts could not be rendered this time (see the bot log)' }] as RenderedChart[];
    });
  const slots = await chartSlots(deps, p, charts);
  await updateWithCharts(p, opened, slots, (s) => recommendationDetailModal(r, specs, s));
}

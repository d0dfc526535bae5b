import type { types } from '@slack/bolt';
import type { Logger } from 'pino';
import { getAnomaly } from '../db/queries/anomalies.js';
import { getRecommendation, typeSpecs } from '../db/queries/recommendations.js';
import type { WebClient } from '../slack/client.js';
import { anomalyDetailModal, type ChartSlot } from '../slack/messages/anomaly-detail.js';
import { section, modal } from '../slack/messages/kit.js';
import { recommendationDetailModal } from '../slack/messages/recommendation-detail.js';
import { anomalyChart, uploadChart, utilizationCharts, type RenderedChart } from '../charts/stored-charts.js';
import type { PageDeps } from './deps.js';

/** Opening a detail modal from a click or a shortcut. */
export interface OpenModalParams {
  client: WebClient;
  triggerId: string;
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

async function toSlot(client: WebClient, chart: Promise<RenderedChart>, log: Logger): Promise<ChartSlot> {
  try {
    return await uploadChart(client, await chart);
  } catch (err) {
    log.warn({ err }, 'chart could not be rendered or uploaded');
    return { kind: 'none', reason: 'the chart could not be rendered or uploaded this time (see the bot log)' };
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
export async function openAnomalyDetail(deps: PageDeps, p: OpenModalParams, anomalyId: number): Promise<void> {
  const a = await getAnomaly(deps.db, anomalyId);
  if (a === undefined) {
    await show(p, notFoundModal(`Anomaly #${anomalyId}`));
    return;
  }
  const opened = await show(p, anomalyDetailModal(a, { kind: 'loading' }));
  if (opened === undefined) return;
  const slot = await toSlot(p.client, anomalyChart(deps, a), p.log);
  await p.client.views.update({ view_id: opened.id, hash: opened.hash, view: anomalyDetailModal(a, slot) });
}

/** The recommendation detail modal with CPU and memory utilization charts. */
export async function openRecommendationDetail(
  deps: PageDeps,
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
  const charts = await utilizationCharts(deps, r).catch((err: unknown) => {
    p.log.warn({ err }, 'utilization charts failed');
    return [{ reason: 'the charts could not be rendered this time (see the bot log)' }] as RenderedChart[];
  });
  const slots = [];
  for (const c of charts) slots.push(await toSlot(p.client, Promise.resolve(c), p.log));
  await p.client.views.update({
    view_id: opened.id,
    hash: opened.hash,
    view: recommendationDetailModal(r, specs, slots),
  });
}

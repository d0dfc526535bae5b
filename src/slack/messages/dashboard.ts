import type { types } from '@slack/bolt';
import type { Anomaly, Forecast, Recommendation } from '../../db/schema/index.js';
import type { DataFreshness, ModelKindStatus } from '../../db/queries/models.js';
import type { SavingsSummary } from '../../db/queries/recommendations.js';
import { ACTION as ANOMALY_ACTION, anomalyTitle } from './anomaly-list.js';
import { forecastPreview } from './forecast.js';
import { age, dayRange, money, RISK_BADGE, SEVERITY_BADGE, when } from './format.js';
import { actions, button, context, divider, esc, header, modal, section, type Block } from './kit.js';
import { REC_ACTION, savingsText } from './recommendation-card.js';
import { modelLine } from './status.js';
import { TIP } from './tooltips.js';

export const HOME_REFRESH_ACTION = 'home_refresh';

export interface DashboardInput {
  anomalies: Anomaly[];
  recommendations: Recommendation[];
  savings: SavingsSummary;
  forecasts: Forecast[];
  models: ModelKindStatus[];
  freshness: DataFreshness;
  now: Date;
  /** Shown when there are no anomalies / recommendations: what is missing and why. */
  anomaliesEmpty: string;
  recommendationsEmpty: string;
}

function anomalyLine(a: Anomaly): Block {
  return section(
    `${SEVERITY_BADGE[a.severity]} *${anomalyTitle(a)}* · ${dayRange(a.startDay, a.endDay)} · impact ${money(a.impactUsd)}`,
    {
      accessory: button('Details', ANOMALY_ACTION.detail, String(a.id)),
    },
  );
}

function recommendationLine(r: Recommendation): Block {
  return section(
    `*${esc(r.instanceId)}* ${esc(r.currentType)} → ${esc(r.recommendedType)} · saves ${savingsText(r)} · ${RISK_BADGE[r.risk]}`,
    {
      accessory: button('Details', REC_ACTION.detail, String(r.id)),
    },
  );
}

/** The dashboard: top anomalies, top recommendations, forecast preview and model status (App Home and the shortcut modal). */
export function dashboardBlocks(d: DashboardInput): Block[] {
  const dataAge = `cost data to ${d.freshness.costLastDay ?? 'none'} · metrics ${age(d.freshness.metricsLastTs, d.now)}`;
  return [
    header('Cost dashboard'),
    context(`As of ${when(d.now)} · ${dataAge}`),
    section(
      `*Potential savings:* ${money(d.savings.monthlyUsd)}/month · ${money(d.savings.annualUsd)}/year across ${d.savings.count} instances`,
    ),
    divider(),
    section('*Top anomalies (last 30 days, largest impact)*'),
    ...(d.anomalies.length === 0 ? [context(d.anomaliesEmpty)] : d.anomalies.map(anomalyLine)),
    context(TIP.score),
    divider(),
    section('*Top right-sizing recommendations*'),
    ...(d.recommendations.length === 0 ? [context(d.recommendationsEmpty)] : d.recommendations.map(recommendationLine)),
    context(TIP.risk),
    divider(),
    section(`*Forecast*\n${forecastPreview(d.forecasts)}`),
    section(`*Models*\n${d.models.length === 0 ? '_No model trained yet._' : d.models.map(modelLine).join('\n')}`),
    actions([button('Refresh', HOME_REFRESH_ACTION, 'refresh')]),
  ];
}

export function homeView(d: DashboardInput): types.HomeView {
  return { type: 'home', blocks: dashboardBlocks(d) };
}

export function dashboardModal(d: DashboardInput): types.ModalView {
  // A modal cannot refresh itself from a Home action; drop the Refresh row there.
  return modal('Cost dashboard', dashboardBlocks(d).slice(0, -1), { callbackId: 'dashboard_modal' });
}

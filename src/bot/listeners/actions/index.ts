import type { App, BlockAction } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { ANOMALY_CONTROLS, anomalyListControls } from './anomaly-list-controls.js';
import { ANOMALY_FEEDBACK, anomalyFeedback } from './anomaly-feedback.js';
import { APPLY_DECISION, applyDecision } from './apply-decision.js';
import { APPLY_REQUEST, applyRequest } from './apply-request.js';
import { FORECAST_HORIZON, forecastHorizon } from './forecast-horizon.js';
import { HOME_REFRESH, homeRefresh } from './home-refresh.js';
import { ANOMALY_DETAIL, openDetail, RECOMMENDATION_DETAIL } from './open-detail.js';
import { RECOMMENDATION_PAGING, recommendationPaging } from './recommendation-paging.js';

export function registerActions(app: App, deps: AppDeps): void {
  app.action<BlockAction>({ type: 'block_actions', action_id: ANOMALY_CONTROLS }, anomalyListControls(deps));
  app.action<BlockAction>({ type: 'block_actions', action_id: RECOMMENDATION_PAGING }, recommendationPaging(deps));
  app.action<BlockAction>({ type: 'block_actions', action_id: FORECAST_HORIZON }, forecastHorizon(deps));
  app.action<BlockAction>({ type: 'block_actions', action_id: ANOMALY_DETAIL }, openDetail(deps, 'anomaly'));
  app.action<BlockAction>(
    { type: 'block_actions', action_id: RECOMMENDATION_DETAIL },
    openDetail(deps, 'recommendation'),
  );
  app.action<BlockAction>({ type: 'block_actions', action_id: ANOMALY_FEEDBACK }, anomalyFeedback(deps));
  app.action<BlockAction>({ type: 'block_actions', action_id: APPLY_REQUEST }, applyRequest(deps));
  app.action<BlockAction>({ type: 'block_actions', action_id: APPLY_DECISION }, applyDecision(deps));
  app.action<BlockAction>({ type: 'block_actions', action_id: HOME_REFRESH }, homeRefresh(deps));
}

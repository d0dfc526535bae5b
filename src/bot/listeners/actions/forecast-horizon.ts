import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { FORECAST_HORIZONS } from '../../../db/queries/forecasts.js';
import { InputError } from '../../../errors.js';
import type { BotDeps } from '../../deps.js';
import { forecastPage } from '../../pages/forecast.js';
import { respondWhenReady } from '../../respond-when-ready.js';
import { actionValue } from './action-value.js';

export const FORECAST_HORIZON = /^forecast_horizon_(3|6|12)$/;

export function forecastHorizon(deps: BotDeps) {
  return async ({
    ack,
    action,
    respond,
    body,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const log = deps.log.child({ action: action.action_id, user: body.user.id });
    await respondWhenReady(
      respond,
      () => {
        const [h, scope] = actionValue(action).split('|');
        const horizon = Number(h);
        if (!(FORECAST_HORIZONS as readonly number[]).includes(horizon))
          throw new InputError('that forecast horizon is not offered: use 3, 6 or 12 months');
        return forecastPage(deps, horizon, scope ?? 'total');
      },
      { replace: true, loadingNoticeMs: deps.loadingNoticeMs, log },
    );
  };
}

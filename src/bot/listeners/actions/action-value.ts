import type { BlockAction, BlockElementAction } from '@slack/bolt';
import { InputError } from '../../../errors.js';

/** The value a button or select carried; untrusted, to be parsed and looked up by the caller. */
export function actionValue(action: BlockElementAction): string {
  if (action.type === 'button' && typeof action.value === 'string') return action.value;
  if (action.type === 'static_select' && action.selected_option !== null) return action.selected_option.value;
  if (action.type === 'overflow') return action.selected_option.value;
  throw new InputError(`the ${action.type} control carried no value`);
}

/** Where the click happened: a message (channel + ts), a modal, or the Home tab. */
export type ClickSurface =
  | { kind: 'message'; channel: string; ts: string; ephemeral: boolean }
  | { kind: 'modal'; viewId: string }
  | { kind: 'home' }
  | { kind: 'unknown' };

export function clickSurface(body: BlockAction): ClickSurface {
  if (body.view !== undefined)
    return body.view.type === 'home' ? { kind: 'home' } : { kind: 'modal', viewId: body.view.id };
  const container = body.container as { type?: string; message_ts?: string; is_ephemeral?: boolean } | undefined;
  if (body.channel !== undefined && container?.message_ts !== undefined) {
    return {
      kind: 'message',
      channel: body.channel.id,
      ts: container.message_ts,
      ephemeral: container.is_ephemeral === true,
    };
  }
  return { kind: 'unknown' };
}

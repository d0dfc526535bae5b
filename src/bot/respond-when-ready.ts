import type { RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { isCostbotError } from '../errors.js';
import { errorMessage } from '../slack/messages/help.js';
import { context, type MessageBody } from '../slack/messages/kit.js';

/** How a view is delivered through response_url. */
export interface RespondOptions {
  /** Replace the message the click came from (paging, filters) instead of posting a new one. */
  replace: boolean;
  /** Post "working on it" when the view is not ready after this many ms. @defaultValue 1500 */
  loadingNoticeMs?: number;
  log: Logger;
}

/** What the user sees when a view fails: an InputError's own message, otherwise a short apology (details go to the log). */
export function failureBody(err: unknown, log: Logger): MessageBody {
  if (
    isCostbotError(err) &&
    (err.code === 'INPUT_INVALID' || err.code === 'NOT_FOUND' || err.code === 'APPROVAL_DENIED')
  ) {
    return errorMessage(err.message);
  }
  log.error({ err }, 'building a view failed');
  return errorMessage('Something went wrong while reading the results; the error is logged. Try again in a minute.');
}

/**
 * Sends a view through response_url once it is built. A slow build first shows "working on it",
 * which the finished view then replaces, so the user sees progress within the ack window.
 */
export async function respondWhenReady(
  respond: RespondFn,
  build: () => Promise<MessageBody>,
  o: RespondOptions,
): Promise<void> {
  let notice: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    notice = respond({
      response_type: 'ephemeral',
      replace_original: o.replace,
      text: 'Working on it…',
      blocks: [context(':hourglass_flowing_sand: Working on it… reading the latest results.')],
    }).catch((err: unknown) => o.log.warn({ err }, 'could not post the loading notice'));
  }, o.loadingNoticeMs ?? 1500);
  let body: MessageBody;
  try {
    body = await build();
  } catch (err) {
    body = failureBody(err, o.log);
  } finally {
    clearTimeout(timer);
  }
  if (notice !== undefined) await notice;
  await respond({ response_type: 'ephemeral', replace_original: o.replace || notice !== undefined, ...body });
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { HTTPModuleFunctions, verifySlackRequest, type HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ReplayCache } from './replay-cache.js';

/** Slack's window: a request more than 5 minutes from our clock, in either direction, is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface RequestGuardOptions {
  signingSecret: string;
  /** The path Bolt answers Slack on. */
  endpoint: string;
  replay: ReplayCache;
  log: Logger;
  nowMs?: () => number;
}

const user = z.looseObject({ id: z.string().min(1) });
/** Interactive payloads Bolt routes by user; each must name who clicked or typed. */
const interactive = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('block_actions'),
    user,
    actions: z.array(z.looseObject({ action_id: z.string(), type: z.string() })).min(1),
  }),
  z.looseObject({ type: z.literal('block_suggestion'), user, action_id: z.string() }),
  z.looseObject({ type: z.enum(['view_submission', 'view_closed']), user, view: z.looseObject({ id: z.string() }) }),
  z.looseObject({ type: z.enum(['shortcut', 'message_action']), user, callback_id: z.string() }),
]);
const slashCommand = z.looseObject({ command: z.string().min(1), user_id: z.string().min(1), text: z.string() });
const jsonBody = z.union([
  z.looseObject({ type: z.literal('event_callback'), event: z.looseObject({ type: z.string() }) }),
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string() }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);

type Verdict = { ok: true } | { ok: false; status: number; reason: string };

/** Checks the shape Bolt and our listeners rely on, so no signed body can throw inside Bolt. */
export function checkBodyShape(rawBody: string, contentType: string | undefined): Verdict {
  const bad = (reason: string): Verdict => ({ ok: false, status: 400, reason });
  if (contentType?.split(';')[0]?.trim() === 'application/x-www-form-urlencoded') {
    const form = parseQueryString(rawBody);
    if (form['ssl_check'] === '1') return { ok: true };
    if (form['payload'] !== undefined) {
      if (typeof form['payload'] !== 'string') return bad('more than one payload');
      let payload: unknown;
      try {
        payload = JSON.parse(form['payload']);
      } catch {
        return bad('payload is not JSON');
      }
      const parsed = interactive.safeParse(payload);
      return parsed.success ? { ok: true } : bad(`not an interactive payload costbot handles (${firstIssue(parsed)})`);
    }
    const parsed = slashCommand.safeParse(form);
    return parsed.success ? { ok: true } : bad(`not a slash command (${firstIssue(parsed)})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return bad('body is not JSON');
  }
  const parsed = jsonBody.safeParse(body);
  return parsed.success ? { ok: true } : bad(`not an Events API body (${firstIssue(parsed)})`);
}

function firstIssue(result: { error?: z.ZodError }): string {
  const issue = result.error?.issues[0];
  return issue === undefined ? 'invalid' : `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

/**
 * Verifies a request to the Slack endpoint before Bolt sees it: signature, a timestamp within 5
 * minutes either way (Bolt refuses only old ones), a body shape Bolt can route (a signed
 * `payload=null` would otherwise throw inside Bolt's receiver and stop the process), and a replay
 * cache keyed by timestamp and signature so a replayed request is answered once.
 */
export async function verifyRequest(
  o: RequestGuardOptions,
  req: IncomingMessage & { rawBody: Buffer },
): Promise<Verdict | { ok: true; replay: boolean }> {
  const body = req.rawBody.toString('utf8');
  const contentType = req.headers['content-type'];
  if (contentType === 'application/x-www-form-urlencoded' && parseQueryString(body)['ssl_check'] === '1') {
    return { ok: true }; // Bolt answers it, after stripping everything else
  }
  const timestampHeader = req.headers['x-slack-request-timestamp'];
  const signature = req.headers['x-slack-signature'];
  if (typeof timestampHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader) || typeof signature !== 'string') {
    return { ok: false, status: 401, reason: 'missing or malformed signature headers' };
  }
  const nowMs = (o.nowMs ?? Date.now)();
  const timestamp = Number(timestampHeader);
  if (Math.abs(nowMs / 1000 - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, status: 401, reason: 'timestamp more than 5 minutes from now' };
  }
  try {
    verifySlackRequest({
      signingSecret: o.signingSecret,
      body,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: nowMs,
    });
  } catch {
    return { ok: false, status: 401, reason: 'signature mismatch' };
  }
  const shape = checkBodyShape(body, contentType);
  if (!shape.ok) return shape;
  // Kept for as long as the timestamp is accepted (up to 10 minutes for one dated 5 minutes ahead).
  const ttlSeconds = Math.max(1, Math.ceil(timestamp + MAX_CLOCK_SKEW_SECONDS - nowMs / 1000));
  const first = await o.replay.firstSeen(`${timestamp}:${signature}`, ttlSeconds);
  return { ok: true, replay: !first };
}

/**
 * Puts verifyRequest in front of the receiver's Slack endpoint. Other paths (the JSON API) go to
 * Bolt unchanged. The body is buffered here and handed on as `rawBody`, which Bolt reuses.
 */
export function guardSlackRequests(receiver: HTTPReceiver, o: RequestGuardOptions): void {
  const bolt = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== o.endpoint || req.method !== 'POST') return bolt(req, res);
    guarded(o, bolt, req, res).catch((err: unknown) => {
      o.log.error({ err }, 'a Slack request could not be handled');
      if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
    });
  };
}

async function guarded(
  o: RequestGuardOptions,
  bolt: HTTPReceiver['requestListener'],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let buffered: IncomingMessage & { rawBody: Buffer };
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
  } catch (err) {
    const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && err.statusCode === 413;
    HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 400);
    return;
  }
  const verdict = await verifyRequest(o, buffered);
  if (!verdict.ok) {
    o.log.warn({ status: verdict.status, reason: verdict.reason }, 'refused a request to the Slack endpoint');
    HTTPModuleFunctions.buildNoBodyResponse(res, verdict.status);
    return;
  }
  if ('replay' in verdict && verdict.replay) {
    // 200 so Slack stops retrying; the first copy was (or is being) answered.
    o.log.warn('ignored a replayed Slack request (same timestamp and signature already answered)');
    HTTPModuleFunctions.buildNoBodyResponse(res, 200);
    return;
  }
  bolt(buffered, res);
}

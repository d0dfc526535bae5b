import { CostbotError } from '../errors.js';
import type { WebClient } from './client.js';

/** Where an uploaded file is shared: a channel (a DM id works too), or a thread in it. */
export interface ShareTarget {
  channelId: string;
  threadTs?: string;
}

/** One PNG upload through Slack's external upload flow, shared into `share`. */
export interface UploadPngParams {
  png: Buffer;
  filename: string;
  title: string;
  altText: string;
  /**
   * Always shared: Slack refuses a private file (completed without channel_id) in `slack_file`
   * image blocks with `invalid_blocks` (python-slack-sdk#1658, bolt-python#1251).
   */
  share: ShareTarget;
}

/**
 * files.getUploadURLExternal, then the bytes to the returned URL, then files.completeUploadExternal
 * with channel_id (and thread_ts): the file appears as a file message there. The share completes
 * asynchronously (bolt-js#2115): call waitForShare before naming the file in blocks.
 */
export async function uploadPng(client: WebClient, p: UploadPngParams): Promise<string> {
  const target = await client.files.getUploadURLExternal({
    filename: p.filename,
    length: p.png.length,
    alt_text: p.altText,
  });
  if (target.upload_url === undefined || target.file_id === undefined) {
    throw new CostbotError('SLACK_REQUEST_FAILED', 'files.getUploadURLExternal returned no upload_url or file_id');
  }
  const res = await fetch(target.upload_url, {
    method: 'POST',
    headers: { 'Content-Type': 'image/png' },
    body: new Uint8Array(p.png),
  });
  if (!res.ok) throw new CostbotError('SLACK_REQUEST_FAILED', `uploading ${p.filename} failed with HTTP ${res.status}`);
  const files: [{ id: string; title: string }] = [{ id: target.file_id, title: p.title }];
  const { channelId, threadTs } = p.share;
  if (threadTs === undefined) await client.files.completeUploadExternal({ files, channel_id: channelId });
  else await client.files.completeUploadExternal({ files, channel_id: channelId, thread_ts: threadTs });
  return target.file_id;
}

export interface WaitForShareOptions {
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** First pause between files.info polls, doubled each time up to 2 s. @defaultValue 250 */
  firstPollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls files.info until the file's shares list `channelId` (what the Slack team advises in
 * bolt-js#2115). False when the share has not landed within the timeout.
 */
export async function waitForShare(
  client: WebClient,
  fileId: string,
  channelId: string,
  o: WaitForShareOptions = {},
): Promise<boolean> {
  const sleep = o.sleep ?? defaultSleep;
  const until = Date.now() + (o.timeoutMs ?? 10_000);
  for (let pause = o.firstPollMs ?? 250; ; pause = Math.min(2 * pause, 2000)) {
    const info = await client.files.info({ file: fileId });
    const shares = info.file?.shares;
    if (shares?.public?.[channelId] !== undefined || shares?.private?.[channelId] !== undefined) return true;
    if (Date.now() + pause > until) return false;
    await sleep(pause);
  }
}

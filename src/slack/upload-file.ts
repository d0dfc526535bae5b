import { CostbotError } from '../errors.js';
import type { WebClient } from './client.js';

/** One PNG upload through Slack's external upload flow. */
export interface UploadPngParams {
  png: Buffer;
  filename: string;
  title: string;
  altText: string;
  /** Share into this channel (or this thread); omitted = a private file the bot can show in blocks. */
  share?: { channelId: string; threadTs?: string };
}

/**
 * files.getUploadURLExternal, then the bytes to the returned URL, then files.completeUploadExternal
 * (the flow that replaced files.upload). Returns the file id for `slack_file` image blocks.
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
  const share = p.share;
  if (share === undefined) await client.files.completeUploadExternal({ files });
  else if (share.threadTs === undefined)
    await client.files.completeUploadExternal({ files, channel_id: share.channelId });
  else await client.files.completeUploadExternal({ files, channel_id: share.channelId, thread_ts: share.threadTs });
  return target.file_id;
}

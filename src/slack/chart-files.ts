import { createHash } from 'node:crypto';
import type { WebClient } from './client.js';
import { uploadPng, waitForShare, type ShareTarget, type WaitForShareOptions } from './upload-file.js';

/** A rendered chart ready to upload. */
export interface ChartPng {
  png: Buffer;
  filename: string;
  alt: string;
}

/** A chart file in Slack: `shared` once files.info lists the share, so blocks may name it. */
export interface SharedChart {
  fileId: string;
  shared: boolean;
}

export interface ChartFiles {
  /** Renders once per `key` (which must change when the content does); later calls reuse the result. */
  render<T>(key: string, render: () => Promise<T>): Promise<T>;
  /** Uploads the PNG into `target` once per content and place, waits for the share; later calls reuse the file. */
  share(client: WebClient, chart: ChartPng, target: ShareTarget): Promise<SharedChart>;
}

export interface ChartFilesOptions {
  /** Entries kept per map; the oldest go first. @defaultValue 500 */
  maxEntries?: number;
  wait?: WaitForShareOptions;
}

/** A bounded memo: a failed promise is forgotten so the next call tries again. */
function memo<T>(max: number): (key: string, make: () => Promise<T>) => Promise<T> {
  const entries = new Map<string, Promise<T>>();
  return (key, make) => {
    const hit = entries.get(key);
    if (hit !== undefined) return hit;
    const made = make();
    entries.set(key, made);
    made.catch(() => entries.delete(key));
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
    return made;
  };
}

/**
 * Charts rendered once per content and uploaded once per content and place (a Details click opened
 * again reuses the file instead of uploading a fresh copy). In-process: each bot or worker keeps its own.
 */
export function createChartFiles(o: ChartFilesOptions = {}): ChartFiles {
  const max = o.maxEntries ?? 500;
  const rendered = memo<unknown>(max);
  const shared = memo<SharedChart>(max);
  return {
    render: <T>(key: string, render: () => Promise<T>) => rendered(key, render) as Promise<T>,
    share(client, chart, target) {
      const digest = createHash('sha256').update(chart.png).digest('hex');
      return shared(`${digest}:${target.channelId}:${target.threadTs ?? ''}`, async () => {
        const fileId = await uploadPng(client, {
          png: chart.png,
          filename: chart.filename,
          title: chart.alt.slice(0, 200),
          altText: chart.alt,
          share: target,
        });
        return { fileId, shared: await waitForShare(client, fileId, target.channelId, o.wait) };
      });
    },
  };
}

import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CostbotError } from '../errors.js';
import { awsCall } from './aws-errors.js';
import type { AwsUsageMeter } from '../cost/aws-usage.js';

/**
 * Copies the export files under an S3 prefix (AWS Data Exports or a legacy CUR delivery) into a
 * local cache folder, fetching only the objects that are new or changed since the last copy
 * (another ETag or size) and removing the copies of objects that are gone, so a restated month
 * replaces its files. The cache's manifest.json remembers what each copy was.
 */

const EXPORT_OBJECT = /\.(parquet|csv|csv\.gz)$/i;

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** s3://bucket/prefix/ -> { bucket, prefix }. */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new CostbotError('CONFIG_INVALID', `CUR_S3_URI "${uri}" is not an s3://bucket/prefix/ URL`);
  return { bucket: m[1]!, prefix: m[2]! };
}

interface ManifestEntry {
  etag: string;
  size: number;
}

type Manifest = Record<string, ManifestEntry>;

export interface S3SyncResult {
  /** Local copies of every export object under the prefix, sorted. */
  files: string[];
  listed: number;
  downloaded: number;
  removed: number;
  bytesDownloaded: number;
}

function readManifest(path: string): Manifest {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    // A manifest cut short by a crash: everything is fetched again, nothing is trusted.
    return {};
  }
}

/** The local path of an object's copy; a key that would leave the cache folder is refused. */
function localPath(objects: string, key: string): string {
  const path = resolve(objects, key);
  if (relative(objects, path).startsWith('..'))
    throw new CostbotError('INPUT_INVALID', `S3 key "${key}" leaves the cache`);
  return path;
}

async function listObjects(
  client: S3Client,
  where: S3Location,
  usage: AwsUsageMeter | undefined,
): Promise<Map<string, ManifestEntry>> {
  const out = new Map<string, ManifestEntry>();
  let token: string | undefined;
  do {
    const page = await awsCall('s3:ListBucket', () =>
      client.send(new ListObjectsV2Command({ Bucket: where.bucket, Prefix: where.prefix, ContinuationToken: token })),
    );
    usage?.s3ListOrPut();
    for (const o of page.Contents ?? []) {
      if (o.Key && EXPORT_OBJECT.test(o.Key)) out.set(o.Key, { etag: o.ETag ?? '', size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

async function download(
  client: S3Client,
  where: S3Location,
  key: string,
  path: string,
  usage: AwsUsageMeter | undefined,
): Promise<void> {
  const object = await awsCall('s3:GetObject', () =>
    client.send(new GetObjectCommand({ Bucket: where.bucket, Key: key })),
  );
  usage?.s3Get();
  mkdirSync(dirname(path), { recursive: true });
  // Written beside the copy, then renamed: a download cut short never looks like a good copy.
  const partial = `${path}.partial`;
  await pipeline(object.Body as Readable, createWriteStream(partial));
  renameSync(partial, path);
}

/** Brings `cacheDir` up to date with the export objects under `uri`. */
export async function syncS3Export(
  client: S3Client,
  uri: string,
  cacheDir: string,
  usage?: AwsUsageMeter,
): Promise<S3SyncResult> {
  const where = parseS3Uri(uri);
  const objects = resolve(cacheDir, 'objects', where.bucket);
  const manifestPath = join(cacheDir, 'manifest.json');
  const manifest = readManifest(manifestPath);
  const listed = await listObjects(client, where, usage);
  if (listed.size === 0)
    throw new CostbotError('INPUT_INVALID', `${uri}: no export files (.parquet, .csv or .csv.gz) there`);
  mkdirSync(objects, { recursive: true });

  let downloaded = 0;
  let bytesDownloaded = 0;
  const next: Manifest = {};
  for (const [key, entry] of listed) {
    const path = localPath(objects, key);
    const known = manifest[`${where.bucket}/${key}`];
    if (!known || known.etag !== entry.etag || known.size !== entry.size || !existsSync(path)) {
      await download(client, where, key, path, usage);
      downloaded++;
      bytesDownloaded += entry.size;
    }
    next[`${where.bucket}/${key}`] = entry;
    // Saved after each object, so an interrupted sync keeps what it already fetched.
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, ...next }));
  }
  let removed = 0;
  for (const id of Object.keys(manifest)) {
    const [bucket, ...rest] = id.split('/');
    const key = rest.join('/');
    if (bucket !== where.bucket || !key.startsWith(where.prefix) || listed.has(key)) continue;
    rmSync(localPath(objects, key), { force: true });
    delete manifest[id];
    removed++;
  }
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, ...next }));
  return {
    files: [...listed.keys()].map((k) => localPath(objects, k)).sort(),
    listed: listed.size,
    downloaded,
    removed,
    bytesDownloaded,
  };
}

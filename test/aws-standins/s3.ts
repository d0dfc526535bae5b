import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startStandin, type FaultKind, type ServiceReply, type StandinServer } from './standin-server.js';

/**
 * S3 stand-in (REST, path-style: `GET /bucket?list-type=2&prefix=...`, `GET /bucket/key`) serving
 * real export files as objects: ListObjectsV2 in pages of `pageKeys` with continuation tokens,
 * ETag the MD5 of the bytes (as S3 gives it for a single-part upload), GetObject the bytes.
 * An object is read from its file at each request, so a test can restate a file in place.
 */

export interface S3Standin extends StandinServer {
  /** Puts (or replaces) `key` in `bucket` as the bytes of `file`. */
  putObject(bucket: string, key: string, file: string): void;
  deleteObject(bucket: string, key: string): void;
}

export interface S3StandinOptions {
  /** Keys per ListObjectsV2 page at most (S3: 1,000). */
  pageKeys?: number;
}

const xml = (body: string, status = 200): ServiceReply => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const FAULTS: Record<Exclude<FaultKind, 'timeout'>, () => ServiceReply> = {
  throttle: () => xml('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>', 503),
  'server-error': () =>
    xml('<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>', 500),
  'access-denied': () => xml('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>', 403),
};

export async function startS3Standin(options: S3StandinOptions = {}): Promise<S3Standin> {
  const buckets = new Map<string, Map<string, string>>();
  const bytesOf = (file: string) => readFileSync(file);

  const list = (bucket: Map<string, string>, query: URLSearchParams): ServiceReply => {
    const prefix = query.get('prefix') ?? '';
    const keys = [...bucket.keys()].filter((k) => k.startsWith(prefix)).sort();
    const start = Number(query.get('continuation-token') ?? 0);
    const max = Math.min(Number(query.get('max-keys') ?? 1000), options.pageKeys ?? 1000);
    const page = keys.slice(start, start + max);
    const truncated = start + max < keys.length;
    const contents = page
      .map((k) => {
        const bytes = bytesOf(bucket.get(k)!);
        const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
        return `<Contents><Key>${escape(k)}</Key><ETag>${escape(etag)}</ETag><Size>${bytes.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      })
      .join('');
    return xml(
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Prefix>${escape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${start + max}</NextContinuationToken>` : ''}</ListBucketResult>`,
    );
  };

  const server = await startStandin({
    decode: (_raw, headers, line) => {
      const url = new URL(line.url, 'http://s3.local');
      const [, bucket = '', ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const op = key !== '' ? 'GetObject' : 'ListObjectsV2';
      return { op, body: { bucket, key, query: url.searchParams }, headers };
    },
    handle: (req) => {
      const { bucket, key, query } = req.body as { bucket: string; key: string; query: URLSearchParams };
      const objects = buckets.get(bucket);
      if (!objects)
        return xml(
          '<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>',
          404,
        );
      if (req.op === 'ListObjectsV2') return list(objects, query);
      const file = objects.get(key);
      if (!file)
        return xml('<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>', 404);
      const bytes = bytesOf(file);
      return {
        status: 200,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.length),
          etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
        },
        body: bytes,
      };
    },
    fault: (kind) => FAULTS[kind](),
  });
  return {
    ...server,
    putObject(bucket, key, file) {
      if (!buckets.has(bucket)) buckets.set(bucket, new Map());
      buckets.get(bucket)!.set(key, file);
    },
    deleteObject(bucket, key) {
      buckets.get(bucket)?.delete(key);
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblems, viewProblems, type FileAccess } from './block-kit-limits.js';

/**
 * A local stand-in for the Slack Web API (and for response_url and the file upload URL), on
 * node:http. It records every call, answers with the shapes Slack documents, rejects Block Kit
 * over the limits with `invalid_blocks` as Slack does, and can answer 429 with Retry-After.
 *
 * Files follow Slack's rules: a file completed without `channel_id` stays private and an image
 * block naming it is refused (`invalid slack file`, python-slack-sdk#1658); a share completes
 * asynchronously (`shareDelayMs` later, bolt-js#2115), and until then files.info shows no shares
 * and blocks naming the file are refused too. A message's `slack_file` must be shared in that channel.
 */

/** A message the stand-in keeps per channel, for conversations.history (and its metadata). */
export interface StoredMessage {
  ts: string;
  thread_ts?: string;
  text?: unknown;
  blocks?: unknown;
  metadata?: unknown;
  files?: { id: string }[];
}

interface StoredFile {
  bytes: Buffer;
  title?: string;
  completed: boolean;
  /** Channel -> ts of the file message, once the share has completed. */
  shares: Map<string, string>;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the call carried. */
  token: string | undefined;
  at: number;
  /** What the stand-in answered (`ok` false for a refusal). */
  response: Record<string, unknown>;
}

export interface ResponseUrlPost {
  /** The id in /response/<id>. */
  id: string;
  body: Record<string, unknown>;
  at: number;
  problems: string[];
}

/** JSON-valued Web API arguments the WebClient sends as strings inside the form body. */
const JSON_ARGS = new Set(['blocks', 'view', 'files', 'attachments', 'metadata']);

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseArgs(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) args[k] = JSON_ARGS.has(k) ? JSON.parse(v) : v;
  return args;
}

export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  /** Uploaded bytes per file id. */
  readonly uploads = new Map<string, Buffer>();
  readonly files = new Map<string, StoredFile>();
  /** Messages per channel, oldest first (chat.postMessage, file shares; chat.update edits them). */
  readonly history = new Map<string, StoredMessage[]>();
  /** How long a file share takes to complete after files.completeUploadExternal. */
  shareDelayMs = 40;
  /** Refuse every `slack_file` in blocks (as Slack does for reasons it does not always give). */
  refuseSlackFiles = false;
  /** Members of user groups, for usergroups.users.list. */
  readonly usergroups = new Map<string, string[]>();
  /** The WebSocket URL apps.connections.open hands out (Socket Mode). */
  socketUrl: string | undefined;
  private server: Server | undefined;
  private ts = 1_700_000_000;
  private fileSeq = 0;
  private viewSeq = 0;
  private readonly rateLimits = new Map<string, { remaining: number; retryAfter: number }>();
  private readonly responseWaiters = new Map<string, (post: ResponseUrlPost) => void>();

  /** Resolves at the first post to response_url `id` whose text passes `accept` (e.g. not the loading notice). */
  nextResponse(id: string, accept: (post: ResponseUrlPost) => boolean = () => true): Promise<ResponseUrlPost> {
    const done = this.responses.find((r) => r.id === id && accept(r));
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve) => {
      this.responseWaiters.set(id, (post) => {
        if (!accept(post)) return;
        this.responseWaiters.delete(id);
        resolve(post);
      });
    });
  }

  /** Whether `fileId` may appear in blocks posted to `channel` (undefined: a view, any share will do). */
  fileAccess(channel: string | undefined): FileAccess {
    return (fileId) => {
      if (this.refuseSlackFiles) return `file ${fileId} refused`;
      const file = this.files.get(fileId);
      if (file === undefined || !file.completed) return `file ${fileId} was never uploaded`;
      if (file.shares.size === 0) return `file ${fileId} is private (completed without channel_id) or not shared yet`;
      if (channel !== undefined && !file.shares.has(channel)) return `file ${fileId} is not shared in ${channel}`;
      return undefined;
    };
  }

  /** Every message kept for `channel`, replies included. */
  messagesIn(channel: string): StoredMessage[] {
    return this.history.get(channel) ?? [];
  }

  private keep(channel: string, m: StoredMessage): void {
    this.history.set(channel, [...this.messagesIn(channel), m]);
  }

  /** Answer the next `times` calls of `method` with 429 and Retry-After: `retryAfterSeconds`. */
  rateLimit(method: string, times: number, retryAfterSeconds: number): void {
    this.rateLimits.set(method, { remaining: times, retryAfter: retryAfterSeconds });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.baseUrl;
  }

  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The Web API base URL to give SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A fresh response_url for one request. */
  responseUrl(id: string): string {
    return `${this.baseUrl}/response/${id}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesTo(id: string): ResponseUrlPost[] {
    return this.responses.filter((r) => r.id === id);
  }

  /** Resolves once `check` returns a value (polling the recordings), or rejects after `timeoutMs`. */
  async waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/')) {
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const problems = blockProblems(body['blocks'], 'message', this.fileAccess(undefined));
      const post = { id: url.pathname.slice('/response/'.length), body, at: Date.now(), problems };
      this.responses.push(post);
      this.responseWaiters.get(post.id)?.(post);
      // response_url answers {"ok":false,"error":"invalid_blocks"} for bad blocks, like chat.postMessage.
      this.send(res, 200, problems.length > 0 ? { ok: false, error: 'invalid_blocks', problems } : { ok: true });
      return;
    }
    if (url.pathname.startsWith('/upload/')) {
      this.uploads.set(url.pathname.slice('/upload/'.length), raw);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${raw.length}`);
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      this.send(res, 404, { ok: false, error: 'not_found' });
      return;
    }
    const method = url.pathname.slice('/api/'.length);
    const args = parseArgs(req, raw);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || (args['token'] as string | undefined);
    const limit = this.rateLimits.get(method);
    if (limit !== undefined && limit.remaining > 0) {
      limit.remaining--;
      this.calls.push({ method, args, token, at: Date.now(), response: { ok: false, error: 'ratelimited' } });
      this.send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
      return;
    }
    const response = this.answer(method, args);
    this.calls.push({ method, args, token, at: Date.now(), response });
    this.send(res, 200, response);
  }

  private nextTs(): string {
    this.ts += 1;
    return `${this.ts}.000100`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const invalid = (problems: string[]) => ({
      ok: false,
      error: 'invalid_blocks',
      response_metadata: { messages: problems },
    });
    switch (method) {
      case 'apps.connections.open':
        return this.socketUrl === undefined ? { ok: false, error: 'invalid_auth' } : { ok: true, url: this.socketUrl };
      case 'auth.test':
        return {
          ok: true,
          url: 'https://standin.slack.com/',
          team: 'Stand-in',
          user: 'costbot',
          team_id: 'T0STANDIN',
          user_id: 'U0COSTBOT',
          bot_id: 'B0COSTBOT',
        };
      case 'chat.postMessage':
      case 'chat.update':
      case 'chat.postEphemeral': {
        const channel = String(args['channel']);
        const problems = blockProblems(args['blocks'], 'message', this.fileAccess(channel));
        if (problems.length > 0) return invalid(problems);
        if (method === 'chat.postEphemeral') return { ok: true, message_ts: this.nextTs() };
        if (method === 'chat.update') {
          const ts = String(args['ts']);
          const kept = this.messagesIn(channel).find((m) => m.ts === ts);
          // Messages the stand-in never saw (a click on a made-up message) are updated without a record.
          if (kept !== undefined) Object.assign(kept, { text: args['text'], blocks: args['blocks'] });
          if (kept !== undefined && args['metadata'] !== undefined) kept.metadata = args['metadata'];
          return { ok: true, channel, ts, message: { text: args['text'], blocks: args['blocks'], ts } };
        }
        const ts = this.nextTs();
        this.keep(channel, {
          ts,
          ...(typeof args['thread_ts'] === 'string' ? { thread_ts: args['thread_ts'] } : {}),
          text: args['text'],
          blocks: args['blocks'],
          ...(args['metadata'] === undefined ? {} : { metadata: args['metadata'] }),
        });
        return { ok: true, channel, ts, message: { text: args['text'], blocks: args['blocks'], ts } };
      }
      case 'conversations.history': {
        // Newest first, top-level messages only, with metadata when include_all_metadata is set.
        const all = this.messagesIn(String(args['channel'])).filter((m) => m.thread_ts === undefined);
        const oldest = Number(args['oldest'] ?? 0);
        const withMeta = String(args['include_all_metadata']) === 'true';
        const messages = all
          .filter((m) => Number(m.ts) >= oldest)
          .reverse()
          .slice(0, Number(args['limit'] ?? 100))
          .map(({ metadata, ...m }) => ({ type: 'message', ...m, ...(withMeta && metadata ? { metadata } : {}) }));
        return { ok: true, messages, has_more: false };
      }
      case 'conversations.open': {
        const users = String(args['users'] ?? '');
        if (!/^U[0-9A-Z]+$/.test(users)) return { ok: false, error: 'user_not_found' };
        return { ok: true, channel: { id: `D${users.slice(1)}` } };
      }
      case 'files.info': {
        const file = this.files.get(String(args['file']));
        if (file === undefined || !file.completed) return { ok: false, error: 'file_not_found' };
        const shares = Object.fromEntries([...file.shares].map(([c, ts]) => [c, [{ ts }]]));
        return {
          ok: true,
          file: { id: args['file'], title: file.title, shares: file.shares.size === 0 ? {} : { public: shares } },
        };
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const problems = viewProblems(args['view'], this.fileAccess(undefined));
        if (problems.length > 0) return invalid(problems);
        const id = method === 'views.update' ? String(args['view_id']) : `V${++this.viewSeq}`;
        return { ok: true, view: { ...(args['view'] as object), id, hash: `h-${this.viewSeq}-${Date.now()}` } };
      }
      case 'files.getUploadURLExternal': {
        const id = `F${String(++this.fileSeq).padStart(6, '0')}`;
        return { ok: true, upload_url: `${this.baseUrl}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (args['files'] as { id: string; title?: string }[]) ?? [];
        for (const f of files) if (!this.uploads.has(f.id)) return { ok: false, error: 'file_not_found' };
        const channel = typeof args['channel_id'] === 'string' ? args['channel_id'] : undefined;
        const threadTs = typeof args['thread_ts'] === 'string' ? args['thread_ts'] : undefined;
        for (const f of files) {
          const stored: StoredFile = { bytes: this.uploads.get(f.id)!, completed: true, shares: new Map() };
          if (f.title !== undefined) stored.title = f.title;
          this.files.set(f.id, stored);
        }
        if (channel !== undefined) {
          // The share (a file message in the channel or thread) lands later, as in Slack.
          setTimeout(() => {
            const ts = this.nextTs();
            this.keep(channel, {
              ts,
              ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
              files: files.map((f) => ({ id: f.id })),
            });
            for (const f of files) this.files.get(f.id)!.shares.set(channel, ts);
          }, this.shareDelayMs);
        }
        // Like Slack, the answer does not wait for the share: no shares yet.
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title, shares: {} })) };
      }
      case 'usergroups.users.list': {
        const users = this.usergroups.get(String(args['usergroup']));
        return users === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

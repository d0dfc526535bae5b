import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblems, viewProblems } from './block-kit-limits.js';

/**
 * A local stand-in for the Slack Web API (and for response_url and the file upload URL), on
 * node:http. It records every call, answers with the shapes Slack documents, rejects Block Kit
 * over the limits with `invalid_blocks` as Slack does, and can answer 429 with Retry-After.
 */

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
  /** Uploaded bytes per file id; a file is usable in blocks once completeUploadExternal named it. */
  readonly uploads = new Map<string, Buffer>();
  readonly completedFiles = new Set<string>();
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
      const problems = blockProblems(body['blocks'], 'message', this.completedFiles);
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
        const problems = blockProblems(args['blocks'], 'message', this.completedFiles);
        if (problems.length > 0) return invalid(problems);
        if (method === 'chat.postEphemeral') return { ok: true, message_ts: this.nextTs() };
        const ts = method === 'chat.update' ? String(args['ts']) : this.nextTs();
        return { ok: true, channel: args['channel'], ts, message: { text: args['text'], blocks: args['blocks'], ts } };
      }
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const problems = viewProblems(args['view'], this.completedFiles);
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
        for (const f of files) this.completedFiles.add(f.id);
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
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

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The shared part of every AWS stand-in: a node:http server on 127.0.0.1 (port 0), a log of the
 * requests it served, and faults injected on demand. Each service module decodes its own wire
 * protocol and encodes its own errors. Test code only; never imported by src/.
 */

/** A fault the next matching request(s) get instead of an answer. */
export type FaultKind = 'throttle' | 'server-error' | 'timeout' | 'access-denied';

export interface Fault {
  /** Operation name, e.g. "GetMetricData"; "*" for any. */
  op: string;
  kind: FaultKind;
  /** How many requests get it. @defaultValue 1 */
  times?: number;
  /** Skip this many matching requests first (fail mid-run). @defaultValue 0 */
  after?: number;
}

export interface LoggedRequest {
  op: string;
  /** The SDK's `amz-sdk-request: attempt=N; max=M` header: N. */
  attempt: number;
  at: number;
  /** Access key id from the SigV4 Authorization header (which credentials signed it). */
  accessKeyId: string | null;
  /** The answer given: 200, or the injected fault. */
  outcome: number | FaultKind;
  body: unknown;
}

export interface ServiceRequest {
  op: string;
  /** Decoded body: JSON object, or form fields for the query protocol. */
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface ServiceReply {
  status: number;
  headers: Record<string, string>;
  /** Text, or bytes for a REST service's objects (S3 GetObject). */
  body: string | Uint8Array;
}

/** Method and path with query: what a REST service (S3) names its operation by. */
export interface RequestLine {
  method: string;
  url: string;
}

/** What one stand-in service implements. */
export interface ServiceHandler {
  /** Reads the operation name and body from the raw request. */
  decode(raw: string, headers: IncomingMessage['headers'], line: RequestLine): ServiceRequest;
  /** Answers one operation. */
  handle(req: ServiceRequest): Promise<ServiceReply> | ServiceReply;
  /** The service's own error for an injected fault (timeouts never reach it). */
  fault(kind: Exclude<FaultKind, 'timeout'>, op: string): ServiceReply;
}

export interface StandinServer {
  url: string;
  requests: LoggedRequest[];
  faults: Fault[];
  /** Requests per operation that got a 200, e.g. { GetMetricData: 3 }. */
  served(op: string): number;
  close(): Promise<void>;
}

function takeFault(faults: Fault[], op: string): Fault | null {
  for (const f of faults) {
    if (f.op !== '*' && f.op !== op) continue;
    if ((f.after ?? 0) > 0) {
      f.after = (f.after ?? 0) - 1;
      continue;
    }
    if ((f.times ?? 1) <= 0) continue;
    f.times = (f.times ?? 1) - 1;
    return f;
  }
  return null;
}

function accessKeyOf(headers: IncomingMessage['headers']): string | null {
  return /Credential=([^/]+)\//.exec(headers.authorization ?? '')?.[1] ?? null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: ServiceReply): void {
  res.writeHead(reply.status, { 'x-amzn-requestid': `standin-${Date.now()}`, ...reply.headers });
  res.end(reply.body);
}

/** Starts a stand-in for one service. */
export async function startStandin(service: ServiceHandler): Promise<StandinServer> {
  const requests: LoggedRequest[] = [];
  const faults: Fault[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const decoded = service.decode(raw, req.headers, { method: req.method ?? 'GET', url: req.url ?? '/' });
      const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
      const entry: LoggedRequest = {
        op: decoded.op,
        attempt,
        at: Date.now(),
        accessKeyId: accessKeyOf(req.headers),
        outcome: 200,
        body: decoded.body,
      };
      requests.push(entry);
      const fault = takeFault(faults, decoded.op);
      if (fault?.kind === 'timeout') {
        // Never answer: the client's requestTimeout fires and the SDK retries on a new socket.
        entry.outcome = 'timeout';
        req.socket.setTimeout(30_000, () => req.socket.destroy());
        return;
      }
      if (fault) {
        entry.outcome = fault.kind;
        send(res, service.fault(fault.kind, decoded.op));
        return;
      }
      try {
        const reply = await service.handle(decoded);
        entry.outcome = reply.status;
        send(res, reply);
      } catch (err) {
        entry.outcome = 500;
        send(res, {
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: `stand-in error: ${(err as Error).message}`,
        });
      }
    })();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    served: (op) => requests.filter((r) => r.op === op && r.outcome === 200).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON-protocol reply (AWS JSON 1.0/1.1). */
export function jsonReply(
  body: unknown,
  version: '1.0' | '1.1',
  status = 200,
  headers: Record<string, string> = {},
): ServiceReply {
  return {
    status,
    headers: { 'content-type': `application/x-amz-json-${version}`, ...headers },
    body: JSON.stringify(body),
  };
}

/** `X-Amz-Target: Prefix.Operation` -> { op, body } for the JSON protocols. */
export function decodeJsonTarget(raw: string, headers: IncomingMessage['headers']): ServiceRequest {
  const target = String(headers['x-amz-target'] ?? '');
  const op = target.slice(target.lastIndexOf('.') + 1);
  return { op, body: raw === '' ? {} : (JSON.parse(raw) as unknown), headers };
}

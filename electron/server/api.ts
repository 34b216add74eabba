/**
 * `POST /api/<channel>`: one route per channel of shared/ipc/contract.ts, mapped onto the
 * same FrostService that Electron's main process uses. The body is the channel's request as
 * JSON; the answer is the channel's Result with HTTP 200, also when it is a failure (an
 * application error, not a transport error). Transport problems get their HTTP status:
 * 401/403 token, 404 unknown channel, 405 not POST, 413 body over 1 MiB, 400 not JSON.
 * `GET /api/events` streams job progress (events.ts); `GET /api/download/<id>` hands out a
 * frozen graph (downloads.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isChannel } from '../../shared/ipc/contract.js';
import type { FrostService } from '../core/service/frost-service.js';
import { handleDownload } from './downloads.js';
import type { EventHub } from './events.js';
import { checkToken } from './request-guard.js';
import { sendJSON, sendPreparedResult, sendProblem } from './responses.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** An oversized body is read and dropped up to this much (so the client sees the 413), then the connection is cut. */
const MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES;

export interface ApiContext {
  service: FrostService;
  token: string;
  /** The progress streams behind `GET /api/events`. */
  events: EventHub;
}

type Body = { kind: 'ok'; bytes: Buffer } | { kind: 'too-large' };

function declaredLength(req: IncomingMessage): number | undefined {
  const v = req.headers['content-length'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Reads at most `limit` bytes; past that, keeps draining (bounded) so the 413 reaches the client. */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const tooLarge = (): void => {
      over = true;
      chunks.length = 0;
      resolve({ kind: 'too-large' });
    };
    const declared = declaredLength(req);
    if (declared !== undefined && declared > limit) tooLarge();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (over) {
        if (size > MAX_DRAIN_BYTES) req.socket.destroy();
        return;
      }
      if (size > limit) tooLarge();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve({ kind: 'ok', bytes: Buffer.concat(chunks) });
    });
    req.on('error', reject);
  });
}

/** `rest` is the path after `/api/`, still percent-encoded. */
export async function handleApi(req: IncomingMessage, res: ServerResponse, ctx: ApiContext, rest: string): Promise<void> {
  // Progress as server-sent events: its own token rule (also `?token=`), method and limits.
  if (rest === 'events') {
    ctx.events.handle(req, res, ctx.token);
    return;
  }
  // Frozen graphs as file downloads: a link cannot set headers either (downloads.ts).
  if (rest.startsWith('download/')) {
    await handleDownload(req, res, ctx.service, ctx.token, rest.slice('download/'.length));
    return;
  }
  const refused = checkToken(req.headers, ctx.token);
  if (refused) {
    const extra: Record<string, string> = refused.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="frost"' } : {};
    sendProblem(res, refused.status, refused.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', refused.message, extra);
    return;
  }
  let channel: string;
  try {
    channel = decodeURIComponent(rest);
  } catch {
    channel = rest;
  }
  if (!isChannel(channel)) {
    sendProblem(res, 404, 'NOT_FOUND', `There is no API channel "${channel.slice(0, 100)}".`);
    return;
  }
  if (req.method !== 'POST') {
    sendProblem(res, 405, 'METHOD_NOT_ALLOWED', `Call ${channel} with POST.`, { Allow: 'POST' });
    return;
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body.kind === 'too-large') {
    // A body too big to drain: answer, then close the connection instead of reading on.
    const hopeless = (declaredLength(req) ?? 0) > MAX_DRAIN_BYTES;
    sendProblem(res, 413, 'TOO_LARGE', `The request body is over ${MAX_BODY_BYTES} bytes.`, hopeless ? { Connection: 'close' } : {});
    return;
  }
  let request: unknown = {};
  const text = body.bytes.toString('utf8');
  if (text.trim() !== '') {
    try {
      request = JSON.parse(text) as unknown;
    } catch {
      sendProblem(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
      return;
    }
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    sendProblem(res, 400, 'BAD_REQUEST', 'The request body must be a JSON object.');
    return;
  }
  const result = await ctx.service.handle(channel, request);
  // A graph is the one big reply, and the same object for every request of its source.
  if (channel === 'graph:get' && result.ok && typeof result.value === 'object' && result.value !== null) await sendPreparedResult(res, result.value, (request as { detail?: unknown }).detail === 'structure');
  else sendJSON(res, 200, result);
}

/**
 * `GET /api/download/<downloadId>` and `GET /api/download/<downloadId>/manifest`: the frozen
 * GraphDef (and its manifest) a `freeze:run` wrote into the service's temp folder, as file
 * downloads. A plain link cannot set headers, so, like `GET /api/events`, this route also takes
 * the token from `?token=`; the site checks (Host, Origin) have already run.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FrostService } from '../core/service/frost-service.js';
import { queryTokens } from './events.js';
import { checkToken } from './request-guard.js';
import { sendProblem } from './responses.js';

const ID = /^[A-Za-z0-9-]{1,64}$/;

/** `rest` is the path after `/api/download/`, still percent-encoded. */
export async function handleDownload(req: IncomingMessage, res: ServerResponse, service: FrostService, token: string, rest: string): Promise<void> {
  const refused = checkToken(req.headers, token, queryTokens(req.url));
  if (refused) {
    const extra: Record<string, string> = refused.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="frost"' } : {};
    sendProblem(res, refused.status, refused.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', refused.message, extra);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendProblem(res, 405, 'METHOD_NOT_ALLOWED', 'Download with GET.', { Allow: 'GET, HEAD' });
    return;
  }
  const [id = '', part, ...extra] = rest.split('/');
  const download = ID.test(id) && extra.length === 0 && (part === undefined || part === 'manifest') ? service.downloadPath(id) : undefined;
  if (!download) {
    sendProblem(res, 404, 'NOT_FOUND', 'There is no such frozen graph on this server (it may have been replaced by newer ones): freeze again.');
    return;
  }
  const manifest = part === 'manifest';
  if (manifest && !download.manifest) {
    sendProblem(res, 404, 'NOT_FOUND', 'This download has no manifest.');
    return;
  }
  const file = manifest ? (download.manifest as string) : download.pb;
  const name = manifest ? download.fileName.replace(/\.pb$/, '.manifest.json') : download.fileName;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    sendProblem(res, 404, 'NOT_FOUND', 'That frozen graph is gone from the server: freeze again.');
    return;
  }
  res.writeHead(200, {
    'Content-Type': manifest ? 'application/json; charset=utf-8' : 'application/octet-stream',
    'Content-Length': size,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', () => resolve());
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

// A small static file server for the built app (the `dist/` that `vite build` makes), plus a few
// generated JSON routes (the hub's /genesis.json and /hub.json). Plain node:http: the hub serves a
// handful of files to a local browser, which needs no framework.
//
// A request path is decoded, then refused (400) if any segment is `..`, `.`, empty in the middle,
// or holds a backslash or NUL, before it is joined to the root; the joined path must also stay
// under the root's real path (a symlink out of dist/ is not followed). `/` and directories serve
// their index.html. When the root has no index.html, pages answer 503 with how to build it.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A generated response: JSON routes answer with whatever they return now. */
export type Route = (req: IncomingMessage) => { type: string; body: string };

export interface StaticOptions {
  /** The directory served (the built app). */
  root: string;
  /** Exact paths answered by code instead of files, e.g. '/genesis.json'. */
  routes?: Record<string, Route>;
  /** What to tell a person when the root holds no app (default: run `npm run build`). */
  missingHint?: string;
}

/** The request's path as segments under the root, or null when it tries to leave it. */
export function safeSegments(rawUrl: string): string[] | null {
  const path = rawUrl.split(/[?#]/, 1)[0];
  if (!path.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const segments = decoded.slice(1).split('/');
  // a trailing slash leaves one empty segment: a directory; any other empty, '.' or '..' is refused
  if (segments[segments.length - 1] === '') segments.pop();
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0')) return null;
  }
  return segments;
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', ...extra });
  res.end(head ? undefined : body);
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The request handler (exposed for tests that need no socket). */
export function staticHandler(o: StaticOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const hint = o.missingHint ?? 'run `npm run build` (or `npm start`), then reload';
  return (req, res) => {
    void (async () => {
      const head = req.method === 'HEAD';
      if (req.method !== 'GET' && !head) return send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', false, { Allow: 'GET, HEAD' });
      const segments = safeSegments(req.url ?? '/');
      if (!segments) return send(res, 400, 'text/plain; charset=utf-8', 'bad path\n', head);
      const route = o.routes?.['/' + segments.join('/')];
      if (route) {
        const r = route(req);
        // the JSON is public; a page served from elsewhere (the Vite dev server) may read it too
        return send(res, 200, r.type, r.body, head, { 'Cache-Control': 'no-cache', 'Access-Control-Allow-Origin': '*' });
      }
      // resolved per request: an app built while the hub runs is served without a restart
      const root = await realpath(o.root).catch(() => null);
      const file = root ? await resolveFile(root, segments) : null;
      if (!file) {
        if (!root || !(await resolveFile(root, []))) {
          const page = `<!doctype html><meta charset="utf-8"><title>Prevote: app not built</title><p>The app is not built in ${escapeHtml(o.root)}: ${escapeHtml(hint)}.</p>\n`;
          return send(res, 503, 'text/html; charset=utf-8', page, head);
        }
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
      }
      res.writeHead(200, { 'Content-Type': contentType(file.path), 'Content-Length': file.size, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
      if (head) return res.end();
      createReadStream(file.path)
        .on('error', () => res.destroy())
        .pipe(res);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n', false);
      else res.destroy();
    });
  };
}

/** A regular file under root for these segments (a directory gives its index.html), or null. */
async function resolveFile(root: string, segments: string[]): Promise<{ path: string; size: number } | null> {
  let path = join(root, ...segments);
  try {
    let st = await stat(path);
    if (st.isDirectory()) {
      path = join(path, 'index.html');
      st = await stat(path);
    }
    if (!st.isFile()) return null;
    const real = await realpath(path);
    if (!real.startsWith(root + sep)) return null;
    return { path: real, size: st.size };
  } catch {
    return null;
  }
}

/** Listens on host:port; resolves with the server once it listens (rejects on EADDRINUSE and the like). */
export function listenHttp(handler: (req: IncomingMessage, res: ServerResponse) => void, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops listening and ends open connections (a browser's keep-alive would hold close() open). */
export function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

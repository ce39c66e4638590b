import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

export interface PortalServerOptions {
  port: number;
  host: string;
  /** The hub as browsers reach it, e.g. http://127.0.0.1:4000 */
  hubPublicUrl: string;
  distDir?: string;
}

export interface RunningPortal {
  url: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Serves the built portal (SPA fallback to index.html) and tells it where the hub is. */
export function startPortalServer(options: PortalServerOptions): Promise<RunningPortal> {
  const root = resolve(options.distDir ?? 'apps/portal/dist');
  const hubUrl = options.hubPublicUrl.replace(/\/+$/, '');
  const config = JSON.stringify({ hubHttpUrl: hubUrl, hubWsUrl: `${hubUrl.replace(/^http/, 'ws')}/graphql` });
  const server = createServer((request, response) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://portal').pathname);
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('Bad request');
      return;
    }
    if (path === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...SECURITY_HEADERS });
      response.end(config);
      return;
    }
    const candidate = normalize(join(root, path));
    const file = candidate.startsWith(root) && existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(root, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain', ...SECURITY_HEADERS }).end('Portal not built: run npm run build:portal');
      return;
    }
    const immutable = file.includes(`${join(root, 'assets')}`);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    createReadStream(file)
      .on('error', () => response.destroy())
      .pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolvePromise({
        url: `http://${options.host}:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

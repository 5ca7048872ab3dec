import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { sendJson, startHttpServer } from '../../wire/http';
import type { WebConfig } from '../../../web/src/config';
import { contentSecurityPolicy } from '../../../web/src/content-security-policy';

/** Content types of what a Vite build writes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface WebHostingOptions {
  /** The built app (index.html and its assets). */
  readonly dir: string;
  /** Default: an ephemeral port. */
  readonly port?: number;
  readonly now?: () => number;
}

export interface WebHosting {
  readonly url: string;
  /** What a browser sends in `Origin` from the app's pages. */
  readonly origin: string;
  /**
   * Serves `config.json` from now on (until then it answers 503: the deployment is not done), and
   * the Content-Security-Policy built from it on every answer, as CloudFront does.
   */
  setConfig(config: WebConfig): void;
  close(): Promise<void>;
}

/**
 * Static hosting of the web app, as S3 behind CloudFront serves it on AWS: GET and HEAD only,
 * `/` is index.html, `config.json` is the deployment's, generated rather than built in, and the
 * app's Content-Security-Policy (web/src/content-security-policy.ts) comes with every answer, so
 * the sandbox's pages meet the policy the hosted app is served with.
 */
export async function startWebHosting(options: WebHostingOptions): Promise<WebHosting> {
  let config: WebConfig | undefined;
  const root = normalize(options.dir);
  const server = await startHttpServer(
    async (req, _body, res) => {
      if (config) res.setHeader('content-security-policy', contentSecurityPolicy(config));
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
      if (path === '/config.json') {
        if (config === undefined) sendJson(res, 503, { message: 'The deployment is not finished' });
        else sendJson(res, 200, config);
        return;
      }
      const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
      if (!file.startsWith(root + sep)) {
        res.writeHead(404).end();
        return;
      }
      const content = await readFile(file).catch(() => undefined);
      if (content === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': content.length, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : content);
    },
    { ...(options.port !== undefined ? { port: options.port } : {}), ...(options.now ? { now: options.now } : {}) },
  );
  return {
    url: `${server.url}/`,
    origin: server.url,
    setConfig(value) {
      config = value;
    },
    close: () => server.close(),
  };
}

// What the browser tests and the quality gates share: how Debian's chromium is launched here,
// whether a missing browser skips or fails, and a static file server for a built site.
//
// GAZETTE_CHROMIUM=<path> picks another browser binary (default /usr/bin/chromium).

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

export const chromiumPath = process.env.GAZETTE_CHROMIUM || '/usr/bin/chromium';
export const inCI = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

/** A reason to skip browser tests (no chromium and not in CI), or false: CI must have one. */
export const skipBrowser =
  !existsSync(chromiumPath) && !inCI ? `no browser at ${chromiumPath} (apt-get install chromium); set CI=true to require it` : false;

/** Flags for a headless chromium as root on a machine with no outside network. */
export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Starts chromium through playwright-core (imported late so Node-only runs need no install). */
export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: LAUNCH_ARGS });
}

export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  // Gzip'd shards are sent as plain bytes with no Content-Encoding: the client decodes them.
  '.bin': 'application/octet-stream',
  '.gz': 'application/octet-stream',
};

/**
 * Serves the built site `root` mounted at `prefix` (decoded, e.g. `/bulletin/` or `/劳动/`) on
 * 127.0.0.1, port 0,
 * the way a plain static host does: `dir/` answers `dir/index.html`, `dir` redirects to `dir/`,
 * anything missing answers 404 with the site's `404.html`.
 */
export async function serveStatic(root, prefix = '/') {
  root = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url, 'http://127.0.0.1');
      const decoded = decodeURIComponent(pathname);
      if (!decoded.startsWith(prefix)) return send(res, 404, 'text/plain', 'not found');
      const rel = decoded.slice(prefix.length);
      let file = resolve(root, `.${sep}${rel}`);
      if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'text/plain', 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: `${pathname}/` });
          return res.end();
        }
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) {
        const page = await readFile(join(root, '404.html')).catch(() => 'not found');
        return send(res, 404, TYPES['.html'], page);
      }
      send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    } catch (err) {
      send(res, 500, 'text/plain', String(err));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, url: (path = '') => `${origin}${prefix}${path}` };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

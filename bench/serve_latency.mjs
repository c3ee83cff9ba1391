// Edit-to-reload latency of a running preview server, for bench/serve.sh (see bench/README.md).
//
//   node bench/serve_latency.mjs --url http://127.0.0.1:PORT --file content/…/a7.md --page /news/…/a7/
//                                [--edits 20] [--gazette] [--out FILE.json]
//
// For each edit it appends a unique marker to the article's body (the file is restored at the
// end) and measures, from just before the write:
//   reload  until the live-reload message arrives (Gazette: a "reload" frame on /__gazette/ws);
//   served  until the page's HTML, fetched right after that message (or polled every 5 ms when
//           there is no message to wait for), contains the marker;
//   search  (Gazette) until the "search" message says the search index has the edit too.
// Node 20 has no WebSocket client, so a minimal one (handshake + unmasked server text frames)
// is written here over `net`.

import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const URL_BASE = opt('--url').replace(/\/$/, '');
const FILE = opt('--file');
const PAGE = opt('--page');
const EDITS = Number(opt('--edits', '20'));
const GAZETTE = args.includes('--gazette');
const OUT = opt('--out', null);
const TIMEOUT = 60_000;

const now = () => performance.now();
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A live-reload socket: `next()` resolves with the next text message. */
function liveSocket(base) {
  const { hostname, port } = new URL(base);
  const sock = net.connect(Number(port), hostname);
  let buf = Buffer.alloc(0);
  let upgraded = false;
  const waiting = [];
  const queued = [];
  const deliver = (msg) => (waiting.length ? waiting.shift()(msg) : queued.push(msg));
  const opened = new Promise((ok, fail) => {
    sock.on('error', fail);
    sock.on('connect', () => {
      sock.write(
        `GET /__gazette/ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nOrigin: ${base}\r\nConnection: Upgrade\r\n` +
          'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) return fail(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
        upgraded = true;
        buf = buf.subarray(end + 4);
        ok();
      }
      // Server frames are unmasked; reload messages are short text frames.
      while (buf.length >= 2) {
        const len = buf[1] & 0x7f;
        if (len > 125 || buf.length < 2 + len) break;
        if ((buf[0] & 0x0f) === 1) deliver(buf.subarray(2, 2 + len).toString());
        buf = buf.subarray(2 + len);
      }
    });
  });
  return {
    opened,
    next: () => (queued.length ? Promise.resolve(queued.shift()) : new Promise((ok) => waiting.push(ok))),
    close: () => sock.destroy(),
  };
}

async function pageHas(marker) {
  const res = await fetch(URL_BASE + PAGE, { headers: { 'cache-control': 'no-cache' } });
  return (await res.text()).includes(marker);
}

const original = readFileSync(FILE, 'utf8');
const rows = [];
const live = GAZETTE ? liveSocket(URL_BASE) : null;
try {
  if (live) await live.opened;
  for (let i = 0; i < EDITS; i += 1) {
    const marker = `基准标记${i}x${Date.now().toString(36)}`;
    const t0 = now();
    writeFileSync(FILE, `${original.trimEnd()}\n\n${marker}\n`);
    let reload = null;
    if (live) {
      const msg = await Promise.race([live.next(), sleep(TIMEOUT).then(() => 'timeout')]);
      if (msg !== 'reload') throw new Error(`expected a reload message after edit ${i}, got ${msg}`);
      reload = now() - t0;
    }
    while (!(await pageHas(marker))) {
      if (now() - t0 > TIMEOUT) throw new Error(`edit ${i} never served`);
      await sleep(5);
    }
    const served = now() - t0;
    let search = null;
    if (live) {
      // Gazette updates the search index after the pages; the next edit waits for it.
      const msg = await Promise.race([live.next(), sleep(TIMEOUT).then(() => 'timeout')]);
      if (msg !== 'search') throw new Error(`expected a search message after edit ${i}, got ${msg}`);
      search = now() - t0;
    }
    rows.push({ reload, served, search });
    await sleep(300);
  }
} finally {
  writeFileSync(FILE, original);
  live?.close();
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const served = rows.map((r) => r.served);
const summary = {
  edits: rows.length,
  served_p50: pct(served, 50),
  served_p95: pct(served, 95),
  reload_p50: live ? pct(rows.map((r) => r.reload), 50) : null,
  reload_p95: live ? pct(rows.map((r) => r.reload), 95) : null,
  search_p50: live ? pct(rows.map((r) => r.search), 50) : null,
  rows,
};
if (OUT) writeFileSync(OUT, JSON.stringify(summary, null, 2));
console.log(JSON.stringify({ ...summary, rows: undefined }));

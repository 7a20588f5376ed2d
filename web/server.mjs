#!/usr/bin/env node
// A small static server for the Lanes playground (no dependencies).
//
//   node web/server.mjs [--port N] [--host H] [--no-isolation]
//
// It serves the page (web/), the compiled library (dist/), the WASM (build/), the
// library's runtime dependencies (node_modules/<dependency>/, for the page's import
// map) and the official test vectors ($LANES_VECTORS, default ../shared/vectors, as
// /vectors/, JSON files only). Everything else is 404.
//
// By default every response carries Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp, which make the page cross-origin
// isolated: SharedArrayBuffer exists and Lanes runs blocks on Web Workers.
// --no-isolation leaves them out, to see (and test) the sequential fallback.

import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Starts the server. Resolves to { url, port, close() } once it listens.
 * @param {{ port?: number, host?: string, isolation?: boolean, vectors?: string, quiet?: boolean }} [opts]
 */
export function startServer(opts = {}) {
  const isolation = opts.isolation !== false;
  const host = opts.host ?? '127.0.0.1';
  const vectors = resolve(opts.vectors ?? (process.env.LANES_VECTORS || join(ROOT, '..', 'shared', 'vectors')));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  // The URL prefix -> folder mounts. node_modules: only the library's runtime
  // dependencies (and what they depend on), never the whole folder.
  const mounts = [
    ['/web/', join(ROOT, 'web')],
    ['/dist/', join(ROOT, 'dist')],
    ['/build/', join(ROOT, 'build')],
    ['/vectors/', vectors],
  ];
  for (const name of runtimePackages(pkg)) mounts.push([`/node_modules/${name}/`, join(ROOT, 'node_modules', name)]);

  const server = createServer((req, res) => {
    const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Cross-Origin-Resource-Policy': 'same-origin' };
    if (isolation) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    const fail = (code, text) => {
      res.writeHead(code, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : text + '\n');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return fail(400, 'bad path');
    }
    if (path === '/' || path === '/web') {
      res.writeHead(302, { ...headers, Location: '/web/' });
      return res.end();
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = locate(mounts, path);
    if (!file) return fail(404, `not found: ${path}`);
    if (file.startsWith(vectors + sep) && extname(file) !== '.json') return fail(404, `not found: ${path}`);
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) return fail(404, `not found: ${path}`);
      size = st.size;
    } catch {
      return fail(404, `not found: ${path}`);
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });

  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`;
      if (!opts.quiet) console.log(`Lanes playground: ${url}web/ (${isolation ? 'cross-origin isolated' : 'not isolated: sequential fallback'})`);
      resolveStart({
        url, port, isolation,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done(undefined)); }),
      });
    });
  });
}

/** The mounted file for a URL path, or null (no mount, or the path escapes it). */
function locate(mounts, path) {
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    const file = resolve(dir, '.' + path.slice(prefix.length - 1));
    if (file === dir || !file.startsWith(dir + sep)) return null;
    return file;
  }
  return null;
}

/** The package's runtime dependencies and, transitively, theirs (as installed). */
function runtimePackages(pkg) {
  const seen = new Set();
  const queue = Object.keys(pkg.dependencies ?? {});
  while (queue.length) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    const manifest = join(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) continue;
    seen.add(name);
    const deps = JSON.parse(readFileSync(manifest, 'utf8')).dependencies ?? {};
    queue.push(...Object.keys(deps));
  }
  return [...seen];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const opts = { isolation: true, port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--no-isolation') opts.isolation = false;
    else if (a === '--port') opts.port = Number(args[++i]);
    else if (a === '--host') opts.host = args[++i];
    else if (a === '--help' || a === '-h') {
      console.log('usage: node web/server.mjs [--port N] [--host H] [--no-isolation]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a} (try --help)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error('--port: expected a number from 0 to 65535');
    process.exit(2);
  }
  startServer(opts).catch((e) => {
    console.error(`cannot start: ${e.message}`);
    process.exit(1);
  });
}

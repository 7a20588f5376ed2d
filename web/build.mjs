#!/usr/bin/env node
// Builds what a page needs beyond dist/src: the Block-STM Web Worker as one
// self-contained ES module, dist/browser/lanes-worker.js. A worker cannot use its
// page's import map, so its bare imports (@noble/hashes, @ethereumjs/rlp, ...) are
// bundled in. Run after tsc (`npm run build` does).
//
// A Node built-in imported at the top of a module the worker reaches would break it in
// a browser: such an import is left out of the bundle, reported here, and fails
// test/browser.test.ts.

import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(ROOT, 'dist/src/parallel/web-pool.js');
if (!existsSync(entry)) {
  console.error(`build:browser: ${relative(ROOT, entry)} is missing (run "npm run build:ts" first)`);
  process.exit(1);
}

const nodeImports = [];
const result = await build({
  entryPoints: { 'lanes-worker': entry },
  outdir: join(ROOT, 'dist/browser'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
  plugins: [{
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => {
        // A lazy import() behind a check (module.ts reads the WASM file in Node) is fine.
        if (args.kind !== 'dynamic-import') nodeImports.push(`${args.path} (imported by ${relative(ROOT, args.importer)})`);
        return { path: args.path, external: true };
      });
    },
  }],
});
for (const n of nodeImports) console.warn(`build:browser: warning: the worker bundle imports ${n}`);
const out = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith('.js'));
console.log(`build:browser: ${out[0]} (${Math.round(out[1].bytes / 1024)} KiB)`);

// The browser path has no Node built-ins: every module a page loads (the library, the
// playground's code, the Web Worker pool) imports no node:* module at its top, and
// every bare import resolves through the playground's import map to a served file.
// The Web Worker bundle (dist/browser/lanes-worker.js) imports no Node built-in.
// Static checks on the built files: no browser needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../src/util/vectors.js';

const ROOT = repoRoot();
const ENTRIES = ['dist/src/index.js', 'dist/src/browser/index.js', 'dist/src/browser/playground.js', 'dist/src/browser/parallel.js', 'dist/src/parallel/web-pool.js'];
const BUILTINS = new Set(builtinModules);

/** Specifiers of static import/export-from statements (not import()). */
function staticImports(code: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*{}\s,$]*?\sfrom\s*)?(['"])([^'"\n]+)\1/g;
  for (let m; (m = re.exec(code)); ) out.push(m[2]);
  return out;
}

function importMap(): Record<string, string> {
  const html = readFileSync(join(ROOT, 'web/index.html'), 'utf8');
  const m = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'web/index.html has an import map');
  return (JSON.parse(m![1]) as { imports: Record<string, string> }).imports;
}

/** A bare specifier through the import map (exact key, then the longest prefix key ending in "/"). */
function mapBare(spec: string, map: Record<string, string>): string | null {
  if (map[spec] !== undefined) return resolve(ROOT, 'web', map[spec]);
  const prefix = Object.keys(map).filter((k) => k.endsWith('/') && spec.startsWith(k)).sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? null : resolve(ROOT, 'web', map[prefix] + spec.slice(prefix.length));
}

test('modules a page loads import no Node built-in, and bare imports resolve through the import map', () => {
  const map = importMap();
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = ENTRIES.map((e) => join(ROOT, e));
  for (const f of queue) assert.ok(existsSync(f), `${relative(ROOT, f)} is built`);
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const where = relative(ROOT, file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('node:') || BUILTINS.has(spec)) {
        problems.push(`${where} imports ${spec}`);
        continue;
      }
      const target = spec.startsWith('.') ? resolve(dirname(file), spec) : spec.startsWith('/') ? null : mapBare(spec, map);
      if (target === null || !existsSync(target)) problems.push(`${where}: cannot resolve ${spec}${target ? ` (${relative(ROOT, target)})` : ' (not in the import map)'}`);
      else queue.push(target);
    }
  }
  assert.equal(problems, [], problems.join('\n'));
  assert.ok(seen.size > 20, `walked ${seen.size} modules`);
});

test('the Web Worker bundle is self-contained', () => {
  const file = join(ROOT, 'dist/browser/lanes-worker.js');
  assert.ok(existsSync(file), 'dist/browser/lanes-worker.js is built (npm run build:browser)');
  assert.equal(staticImports(readFileSync(file, 'utf8')), []);
});

test.run();

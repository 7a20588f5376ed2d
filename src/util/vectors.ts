// Where the official test vectors live: $LANES_VECTORS, or ../shared/vectors beside
// the repository (the layout every developer and CI machine of the project has).
// vectors/fetch.sh downloads them for everyone else.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The repository root: the nearest folder above this module with the lanes package.json. */
export function repoRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'lanes') return (root = dir);
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the lanes package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The vectors folder (holding ethereum-tests/, eest/, ...). It may not exist. */
export function vectorsDir(): string {
  const env = process.env.LANES_VECTORS;
  return env !== undefined && env !== '' ? resolve(env) : resolve(repoRoot(), '../shared/vectors');
}

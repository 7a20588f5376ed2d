// node dist/bench/secp256k1.js [--quick]
//
// Public-key recovery (ECRECOVER, transaction senders) on each backend that loads
// here, side by side in one process on the same signatures: libsecp256k1 native (the
// secp256k1 package's addon), libsecp256k1 in WebAssembly (tiny-secp256k1), and
// @noble/curves in JavaScript, the browser's. Prints microseconds per recovery and the
// ratio to the backend Lanes uses (src/util/secp256k1.ts).

import { Bench } from 'tinybench';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToBigint } from '../src/util/hex.js';
import { recoverPublicKey, secp256k1Backend, secp256k1Backends, type Secp256k1Backend } from '../src/util/secp256k1.js';

const quick = process.argv.includes('--quick');
// Signatures of distinct keys over distinct hashes (deterministic: key i signs hash i).
const SIGNATURES = 32;
const cases = Array.from({ length: SIGNATURES }, (_, i) => {
  const key = new Uint8Array(32);
  key[31] = i + 1;
  key[0] = 0x42;
  const hash = new Uint8Array(32).fill(i + 7);
  const sig = secp256k1.sign(hash, key, { prehash: false, format: 'recovered' });
  return { hash, r: bytesToBigint(sig.subarray(1, 33)), s: bytesToBigint(sig.subarray(33, 65)), v: sig[0] as 0 | 1 };
});

const backends: Secp256k1Backend[] = [...secp256k1Backends(), 'js'];
const bench = new Bench({ time: quick ? 100 : 1000, warmupTime: quick ? 20 : 200 });
for (const b of backends) {
  let i = 0;
  bench.add(b, () => {
    const c = cases[i++ % SIGNATURES];
    const key = recoverPublicKey(c.hash, c.r, c.s, c.v, b);
    if (key === null) throw new Error(`${b}: no key recovered`);
  });
}
await bench.run();
const used = secp256k1Backend();
const usOf = (name: string) => {
  const t = bench.tasks.find((x) => x.name === name)!;
  const r = t.result as { latency?: { p50?: number }; period?: number } | undefined;
  return 1000 * (r?.latency?.p50 ?? r?.period ?? NaN);
};
console.log(`## secp256k1 public-key recovery (${SIGNATURES} signatures, median per recovery; Lanes uses: ${used})\n`);
console.log('backend | us per recovery | vs the one used');
for (const b of backends) console.log(`${b} | ${usOf(b).toFixed(1)} | ${(usOf(b) / usOf(used)).toFixed(2)}x`);

// The host's keccak256 (src/util/keccak.ts, WASM in Node) against @noble/hashes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { KECCAK_IN_WASM, keccak256 } from '../src/util/keccak.js';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

test('runs in WebAssembly under Node', () => {
  assert.ok(KECCAK_IN_WASM, 'build/keccak.wasm did not load (run "npm run build:wasm")');
});

test('equals @noble/hashes around the 136-byte block boundaries and past the initial memory', () => {
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  const lengths = [0, 1, 31, 32, 33, 135, 136, 137, 271, 272, 273, 1000, 4096, 2_000_000];
  for (const n of lengths) {
    const data = Uint8Array.from({ length: n }, rand);
    assert.is(hex(keccak256(data)), hex(keccak_256(data)), `length ${n}`);
  }
});

test('returns a fresh array each call, not a view on WASM memory', () => {
  const a = keccak256(Uint8Array.of(1));
  const b = keccak256(Uint8Array.of(2));
  assert.is.not(hex(a), hex(b));
  assert.is(hex(a), hex(keccak_256(Uint8Array.of(1))));
});

test.run();

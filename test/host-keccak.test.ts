// The host's keccak256 (src/util/keccak.ts, WASM in Node) against @noble/hashes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { KECCAK_IN_WASM, keccak256, keccak256ViewAt } from '../src/util/keccak.js';

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

test('keccak256ViewAt hashes the bytes at an offset, short and long', () => {
  const buf = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) & 0xff);
  for (const [from, n] of [[0, 0], [3, 20], [17, 32], [100, 64], [1, 65], [9, 136], [50, 4900]]) {
    assert.is(hex(keccak256ViewAt(buf, from, n)), hex(keccak_256(buf.subarray(from, from + n))), `${n} bytes from ${from}`);
  }
});

test('returns a fresh array each call, not a view on WASM memory', () => {
  const a = keccak256(Uint8Array.of(1));
  const b = keccak256(Uint8Array.of(2));
  assert.is.not(hex(a), hex(b));
  assert.is(hex(a), hex(keccak_256(Uint8Array.of(1))));
});

test.run();

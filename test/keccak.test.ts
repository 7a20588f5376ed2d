// Keccak-256 (assembly/keccak.ts via build/keccak_harness.wasm) against @noble/hashes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { keccak_256 } from '@noble/hashes/sha3.js';

interface Harness {
  memory: WebAssembly.Memory;
  input(): number;
  output(): number;
  reserve(len: number): number;
  hash(len: number): void;
  hashInPlace(len: number): void;
}

const wasmUrl = new URL('../../build/keccak_harness.wasm', import.meta.url);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmUrl), {
  env: { abort: () => { throw new Error('abort'); } },
});
const h = instance.exports as unknown as Harness;

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Hashes `data` in WASM; returns the 32-byte digest as hex. */
function wasmKeccak(data: Uint8Array, inPlace = false): string {
  assert.is(h.reserve(data.length), 1, 'memory.grow failed');
  const ptr = h.input();
  new Uint8Array(h.memory.buffer, ptr, data.length).set(data); // view re-created after growth
  if (inPlace) {
    h.hashInPlace(data.length);
    return hex(new Uint8Array(h.memory.buffer, ptr, 32).slice());
  }
  h.hash(data.length);
  return hex(new Uint8Array(h.memory.buffer, h.output(), 32).slice());
}

/** Deterministic bytes (xorshift32), so failures reproduce. */
function prng(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13; s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5; s >>>= 0;
      out[i] = s & 0xff;
    }
    return out;
  };
}

function check(data: Uint8Array, label: string): void {
  assert.is(wasmKeccak(data), hex(keccak_256(data)), `${label} (len ${data.length})`);
}

test('empty input: known digest', () => {
  const want = 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470';
  assert.is(hex(keccak_256(new Uint8Array(0))), want); // the reference itself agrees
  assert.is(wasmKeccak(new Uint8Array(0)), want);
});

test('known digest: "abc" (Keccak padding, not SHA3)', () => {
  const abc = new TextEncoder().encode('abc');
  assert.is(wasmKeccak(abc), '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
});

test('every length 0..300, random contents', () => {
  const rand = prng(0x5eed);
  for (let len = 0; len <= 300; len++) check(rand(len), 'random');
});

test('every length 0..300, constant bytes 0x00 and 0xff', () => {
  for (let len = 0; len <= 300; len++) {
    check(new Uint8Array(len), 'zeros');
    check(new Uint8Array(len).fill(0xff), 'ones');
  }
});

test('lengths around block multiples', () => {
  const rand = prng(136);
  for (let k = 1; k <= 40; k++) {
    for (const d of [-2, -1, 0, 1, 2]) check(rand(136 * k + d), `block ${k}${d >= 0 ? '+' : ''}${d}`);
  }
});

test('random lengths up to 100 KB', () => {
  const rand = prng(0xdecaf);
  for (let i = 0; i < 60; i++) {
    const len = ((rand(4)[0] << 16) | (rand(4)[0] << 8) | rand(4)[0]) % 100_001;
    check(rand(len), `random-length #${i}`);
  }
});

test('large inputs: 64 KB and 1 MB', () => {
  const rand = prng(7);
  check(rand(64 * 1024), '64 KB');
  check(rand(1024 * 1024), '1 MB');
});

test('output may overlap input', () => {
  const rand = prng(99);
  for (const len of [0, 1, 31, 32, 33, 135, 136, 137, 500]) {
    const data = rand(len);
    assert.is(wasmKeccak(data, true), hex(keccak_256(data)), `in place, len ${len}`);
  }
});

test.run();

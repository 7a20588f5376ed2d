// assembly/u256.ts (via build/u256_harness.wasm) against a BigInt reference of EVM
// semantics: every op on edge-value combinations, crafted division cases and
// 100,000 random operand sets from a fixed-seed PRNG, rotating the result
// pointer through every operand alias.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';

interface Harness {
  memory: WebAssembly.Memory;
  buf(): number;
  run(op: number, alias: number): number;
}

const wasmUrl = new URL('../../build/u256_harness.wasm', import.meta.url);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmUrl), {
  env: { abort: () => { throw new Error('abort'); } },
});
const h = instance.exports as unknown as Harness;

// ---------------------------------------------------------------- harness I/O

// The stub runtime never grows memory, so the views stay valid.
const BASE = h.buf();
const L64 = new BigUint64Array(h.memory.buffer, BASE, 16); // A, B, C, R
const BYTES = new Uint8Array(h.memory.buffer, BASE + 128, 96);
const SLOT_A = 0, SLOT_B = 4, SLOT_C = 8, SLOT_R = 12;
const MASK64 = (1n << 64n) - 1n;

function put(slot: number, v: bigint): void {
  L64[slot] = v & MASK64;
  L64[slot + 1] = (v >> 64n) & MASK64;
  L64[slot + 2] = (v >> 128n) & MASK64;
  L64[slot + 3] = v >> 192n;
}

function get(slot: number): bigint {
  return L64[slot] | (L64[slot + 1] << 64n) | (L64[slot + 2] << 128n) | (L64[slot + 3] << 192n);
}

// ------------------------------------------------------------- reference EVM

const B256 = 1n << 256n;
const M = B256 - 1n;
const SIGN = 1n << 255n;
const toS = (x: bigint): bigint => (x >= SIGN ? x - B256 : x);
const toU = (x: bigint): bigint => BigInt.asUintN(256, x);
const b = (c: boolean): bigint => (c ? 1n : 0n);

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function expRef(base: bigint, e: bigint): bigint {
  let r = 1n;
  while (e > 0n) {
    if (e & 1n) r = (r * base) & M;
    e >>= 1n;
    if (e > 0n) base = (base * base) & M;
  }
  return r;
}

type Ref = (a: bigint, b: bigint, c: bigint) => bigint;
type Kind = 'bin' | 'tern' | 'unary' | 'small'; // small: first operand is a shift/index/byte number

interface Op { name: string; id: number; kind: Kind; ref: Ref; }

const OPS: Op[] = [
  { name: 'add', id: 0, kind: 'bin', ref: (x, y) => (x + y) & M },
  { name: 'sub', id: 1, kind: 'bin', ref: (x, y) => toU(x - y) },
  { name: 'mul', id: 2, kind: 'bin', ref: (x, y) => (x * y) & M },
  { name: 'div', id: 3, kind: 'bin', ref: (x, y) => (y === 0n ? 0n : x / y) },
  { name: 'sdiv', id: 4, kind: 'bin', ref: (x, y) => (y === 0n ? 0n : toU(toS(x) / toS(y))) },
  { name: 'mod', id: 5, kind: 'bin', ref: (x, y) => (y === 0n ? 0n : x % y) },
  { name: 'smod', id: 6, kind: 'bin', ref: (x, y) => (y === 0n ? 0n : toU(toS(x) % toS(y))) },
  { name: 'addmod', id: 7, kind: 'tern', ref: (x, y, n) => (n === 0n ? 0n : (x + y) % n) },
  { name: 'mulmod', id: 8, kind: 'tern', ref: (x, y, n) => (n === 0n ? 0n : (x * y) % n) },
  { name: 'exp', id: 9, kind: 'bin', ref: expRef },
  {
    name: 'signextend', id: 10, kind: 'small', ref: (k, x) => {
      if (k >= 31n) return x;
      const bit = 8n * k + 7n;
      const low = (1n << (bit + 1n)) - 1n;
      return (x >> bit) & 1n ? x | (M ^ low) : x & low;
    },
  },
  { name: 'lt', id: 11, kind: 'bin', ref: (x, y) => b(x < y) },
  { name: 'gt', id: 12, kind: 'bin', ref: (x, y) => b(x > y) },
  { name: 'slt', id: 13, kind: 'bin', ref: (x, y) => b(toS(x) < toS(y)) },
  { name: 'sgt', id: 14, kind: 'bin', ref: (x, y) => b(toS(x) > toS(y)) },
  { name: 'eq', id: 15, kind: 'bin', ref: (x, y) => b(x === y) },
  { name: 'iszero', id: 16, kind: 'unary', ref: (x) => b(x === 0n) },
  { name: 'and', id: 17, kind: 'bin', ref: (x, y) => x & y },
  { name: 'or', id: 18, kind: 'bin', ref: (x, y) => x | y },
  { name: 'xor', id: 19, kind: 'bin', ref: (x, y) => x ^ y },
  { name: 'not', id: 20, kind: 'unary', ref: (x) => M ^ x },
  { name: 'byte', id: 21, kind: 'small', ref: (i, x) => (i < 32n ? (x >> (8n * (31n - i))) & 0xffn : 0n) },
  { name: 'shl', id: 22, kind: 'small', ref: (s, v) => (s < 256n ? (v << s) & M : 0n) },
  { name: 'shr', id: 23, kind: 'small', ref: (s, v) => (s < 256n ? v >> s : 0n) },
  { name: 'sar', id: 24, kind: 'small', ref: (s, v) => toU(toS(v) >> (s < 256n ? s : 256n)) },
  { name: 'clz', id: 25, kind: 'unary', ref: (x) => BigInt(256 - bitLen(x)) },
  { name: 'isZero', id: 26, kind: 'unary', ref: (x) => b(x === 0n) },
  { name: 'fitsU64', id: 27, kind: 'unary', ref: (x) => b(x <= MASK64) },
  { name: 'byteLength', id: 28, kind: 'unary', ref: (x) => BigInt((bitLen(x) + 7) >> 3) },
  { name: 'copy', id: 29, kind: 'unary', ref: (x) => x },
  { name: 'setZero', id: 30, kind: 'unary', ref: () => 0n },
  { name: 'setU64', id: 31, kind: 'unary', ref: (x) => x & MASK64 },
];
const BOOL_OR_U32 = new Set(['lt', 'gt', 'slt', 'sgt', 'eq', 'iszero', 'clz', 'isZero', 'fitsU64', 'byteLength']);

// ------------------------------------------------------------------ operands

/** sfc32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9, b2 = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    const t = (((a + b2) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b2 ^ (b2 >>> 9);
    b2 = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}
const rnd = prng(0x1a2e5);

const W32 = new Uint32Array(8);
const W64 = new BigUint64Array(W32.buffer);

/** `bits` uniformly random bits (0..256). */
function randBits(bits: number): bigint {
  for (let i = 0; i < 8; i++) {
    const lo = i * 32;
    W32[i] = bits >= lo + 32 ? rnd() : bits > lo ? rnd() & ((1 << (bits - lo)) - 1) >>> 0 : 0;
  }
  return W64[0] | (W64[1] << 64n) | (W64[2] << 128n) | (W64[3] << 192n);
}

const EDGE_K = [1, 7, 8, 31, 32, 33, 63, 64, 65, 96, 127, 128, 129, 160, 191, 192, 193, 224, 248, 254, 255];
const EDGES: bigint[] = (() => {
  const s = new Set<bigint>([0n, 1n, 2n, 3n, 31n, 32n, 255n, 256n, SIGN, SIGN - 1n, SIGN + 1n, M, M - 1n]);
  for (const k of EDGE_K) {
    const p = 1n << BigInt(k);
    for (const v of [p, p - 1n, p + 1n, B256 - p, B256 - p - 1n]) s.add(v & M);
  }
  return [...s];
})();
const EDGES_SMALL = EDGES.filter((_, i) => i % 3 === 0); // for triples
const LIMB_VALUES = [0n, 1n, 1n << 63n, MASK64 - 1n, MASK64];
/** Words whose limbs are each 0, 1, 2^63, 2^64-2 or 2^64-1: equal-top-limb and boundary cases for division. */
const LIMB_PATTERNS: bigint[] = (() => {
  const out: bigint[] = [];
  for (let i = 0; i < 5 ** 4; i++) {
    let v = 0n, x = i;
    for (let k = 0; k < 4; k++) {
      v |= LIMB_VALUES[x % 5] << BigInt(64 * k);
      x = Math.floor(x / 5);
    }
    out.push(v);
  }
  return out;
})();

/** A random word: bit length uniform in 0..256, sometimes complemented (negative-looking) or an edge value. */
function randWord(): bigint {
  const r = rnd() & 15;
  if (r === 0) return EDGES[rnd() % EDGES.length];
  if (r === 1) return LIMB_PATTERNS[rnd() % LIMB_PATTERNS.length];
  const v = randBits(rnd() % 257);
  return r <= 4 ? M ^ v : v;
}

/** Shift amounts, byte indices: 0..300 or a random word. */
function randSmall(): bigint {
  return rnd() & 1 ? BigInt(rnd() % 301) : randWord();
}

// ------------------------------------------------------------------ checking

const hex = (x: bigint): string => '0x' + x.toString(16);
let cases = 0;

function check(op: Op, x: bigint, y: bigint, z: bigint, alias: number): void {
  put(SLOT_A, x);
  put(SLOT_B, y);
  put(SLOT_C, z);
  const ret = h.run(op.id, alias);
  const got = get(SLOT_R);
  const want = op.ref(x, y, z);
  cases++;
  if (got !== want || (BOOL_OR_U32.has(op.name) && BigInt(ret) !== want)) {
    const args = op.kind === 'tern' ? `${hex(x)}, ${hex(y)}, ${hex(z)}` : op.kind === 'unary' ? hex(x) : `${hex(x)}, ${hex(y)}`;
    assert.unreachable(`${op.name}(${args}) alias=${alias}: got ${hex(got)} (ret ${ret}), want ${hex(want)}`);
  }
}

/** Result-pointer choices that make sense for the op's arity. */
function aliases(op: Op): number[] {
  if (op.kind === 'tern') return [0, 1, 2, 3];
  if (op.kind === 'unary') return [0, 2];
  return [0, 1, 2];
}

const RANDOM_PER_OP = 100_000;

/**
 * Add-back cases of Knuth D: the top two divisor limbs give an exact estimate q,
 * but the all-ones low limbs make q * v exceed the dividend, so the true
 * quotient is q - 1. `shift` un-normalises both (the low bits it drops are zero).
 */
function addBackCases(count: number): Array<[bigint, bigint, bigint]> {
  const out: Array<[bigint, bigint, bigint]> = [];
  for (let i = 0; i < count; i++) {
    const d1 = randBits(64) | (1n << 63n), d0 = randBits(64), q = randBits(64) | 2n;
    const shift = BigInt(rnd() % 64);
    const top = (d1 << 64n) | d0;
    // 256-bit DIV: 3-limb divisor, 4-limb dividend
    const v3 = (top << 64n) | (MASK64 ^ ((1n << shift) - 1n));
    const u3 = (q * top) << 64n;
    out.push([u3 >> shift, v3 >> shift, 0n]);
    // MULMOD: 4-limb modulus, 5-limb product a * b
    const v4 = (top << 128n) | ((1n << 128n) - (1n << shift));
    out.push([q, (top << 128n) >> shift, v4 >> shift]);
  }
  return out;
}
const ADD_BACK = addBackCases(2000);

for (const op of OPS) {
  test(op.name, () => {
    const al = aliases(op);
    let n = 0;
    // edge combinations
    if (op.kind === 'tern') {
      for (const x of EDGES_SMALL) for (const y of EDGES_SMALL) for (const z of EDGES_SMALL) check(op, x, y, z, al[n++ % al.length]);
    } else if (op.kind === 'unary') {
      for (const x of EDGES) check(op, x, 0n, 0n, al[n++ % al.length]);
      for (const x of LIMB_PATTERNS) check(op, x, 0n, 0n, al[n++ % al.length]);
    } else {
      for (const x of EDGES) for (const y of EDGES) check(op, x, y, 0n, al[n++ % al.length]);
    }
    if (op.kind === 'small') {
      for (let s = 0n; s <= 300n; s++) for (const y of EDGES) check(op, s, y, 0n, al[n++ % al.length]);
    }
    if (['div', 'sdiv', 'mod', 'smod'].includes(op.name)) {
      for (const x of LIMB_PATTERNS) for (let j = 0; j < 100; j++) check(op, x, LIMB_PATTERNS[rnd() % LIMB_PATTERNS.length], 0n, al[n++ % al.length]);
      for (const [u, v] of ADD_BACK.filter((_, i) => i % 2 === 0)) {
        check(op, u, v, 0n, al[n++ % al.length]);
        check(op, M ^ u, v, 0n, al[n++ % al.length]); // negative dividend: same magnitudes minus one
      }
    }
    if (op.kind === 'tern') {
      for (let j = 0; j < 20_000; j++) {
        const p = () => LIMB_PATTERNS[rnd() % LIMB_PATTERNS.length];
        check(op, p(), p(), p(), al[n++ % al.length]);
      }
      if (op.name === 'mulmod') for (const [x, y, z] of ADD_BACK.filter((_, i) => i % 2 === 1)) check(op, x, y, z, al[n++ % al.length]);
    }
    // random operands
    for (let i = 0; i < RANDOM_PER_OP; i++) {
      const x = op.kind === 'small' ? randSmall() : randWord();
      const y = op.kind === 'unary' ? 0n : randWord();
      const z = op.kind === 'tern' ? randWord() : 0n;
      if (op.name === 'exp' && i % 2 === 0) check(op, x, BigInt(rnd() % 301), 0n, al[n++ % al.length]);
      check(op, x, y, z, al[n++ % al.length]);
    }
  });
}

test('addmod/mulmod: operands below the modulus', () => {
  for (const op of OPS.filter((o) => o.kind === 'tern')) {
    for (let i = 0; i < RANDOM_PER_OP; i++) {
      const n = randWord();
      if (n === 0n) continue;
      check(op, randWord() % n, randWord() % n, n, i & 3);
    }
  }
});

test('mulmod: squares (their own product path)', () => {
  const mulmod = OPS.find((o) => o.name === 'mulmod')!;
  for (let i = 0; i < RANDOM_PER_OP; i++) {
    const x = randWord(), n = randWord();
    check(mulmod, x, x, i & 1 ? n : n | SIGN, i & 3);
  }
});

test('mulmod: moduli of 224 to 256 bits (Barrett from 242 bits), operands up to 2^256 - 1', () => {
  const mulmod = OPS.find((o) => o.name === 'mulmod')!;
  const moduli: bigint[] = [];
  for (let bits = 224n; bits <= 256n; bits++) {
    const top = 1n << (bits - 1n);
    moduli.push(top, top + 1n, (top << 1n) - 1n, top | randBits(Number(bits) - 1));
  }
  let n = 0;
  for (const z of moduli) {
    // The largest products (the Barrett quotient's estimate furthest off), products near
    // multiples of the modulus, squares, and random words, each modulus used several times.
    const xs = [M, M - 1n, z - 1n, z + 1n, 2n * z - 1n, randWord(), randWord(), randBits(250)];
    for (const x of xs) for (const y of xs) check(mulmod, x & M, y & M, z, n++ & 3);
  }
  for (let i = 0; i < RANDOM_PER_OP; i++) {
    const z = moduli[rnd() % moduli.length];
    check(mulmod, randWord(), i & 1 ? randWord() : z - 1n - BigInt(rnd() % 4), z, i & 3);
  }
});

test('division reciprocals: floor((2^128 - 1) / d) - 2^64 and floor((2^192 - 1) / d) - 2^64', () => {
  const top = 1n << 63n;
  const ds: bigint[] = [top, MASK64, MASK64 - 1n, top + 1n];
  for (let k = 0n; k < 63n; k++) ds.push(top | (1n << k), MASK64 ^ (1n << k), top | ((1n << k) - 1n));
  for (let t = 256n; t < 512n; t++) ds.push(t << 55n, ((t + 1n) << 55n) - 1n); // every table entry's ends
  for (let i = 0; i < RANDOM_PER_OP; i++) ds.push(randBits(64) | top);
  for (const d of ds) {
    put(SLOT_A, d);
    h.run(34, 0);
    cases++;
    const exact = ((1n << 128n) - 1n) / d - (1n << 64n);
    if (get(SLOT_R) !== exact) assert.unreachable(`reciprocal(${hex(d)}): got ${hex(get(SLOT_R))}, want ${hex(exact)}`);
  }
  const lows = [0n, 1n, MASK64, MASK64 - 1n, top];
  for (let i = 0; i < ds.length; i++) {
    const d1 = ds[i], d0 = i < 2000 ? lows[i % lows.length] : randBits(64);
    const d = (d1 << 64n) | d0;
    put(SLOT_A, d);
    h.run(35, 0);
    cases++;
    const exact = ((1n << 192n) - 1n) / d - (1n << 64n);
    if (get(SLOT_R) !== exact) assert.unreachable(`reciprocal3by2(${hex(d)}): got ${hex(get(SLOT_R))}, want ${hex(exact)}`);
  }
});

test('loadBE', () => {
  for (let i = 0; i < RANDOM_PER_OP; i++) {
    for (let k = 0; k < 96; k++) BYTES[k] = rnd() & 255; // garbage around the source bytes
    const len = i < 33 * 64 ? i % 33 : rnd() % 33;
    const off = i < 33 * 64 ? Math.floor(i / 33) : rnd() % 64;
    let want = 0n;
    for (let k = 0; k < len; k++) want = (want << 8n) | BigInt(BYTES[off + k]);
    put(SLOT_R, M);
    put(SLOT_B, BigInt(len));
    put(SLOT_C, BigInt(off));
    h.run(32, 0);
    cases++;
    const got = get(SLOT_R);
    if (got !== want) assert.unreachable(`loadBE(len=${len}, off=${off}): got ${hex(got)}, want ${hex(want)}`);
  }
});

test('storeBE', () => {
  const before = new Uint8Array(96);
  for (let i = 0; i < RANDOM_PER_OP; i++) {
    for (let k = 0; k < 96; k++) before[k] = BYTES[k] = rnd() & 255;
    const x = randWord(), off = i % 64;
    put(SLOT_A, x);
    put(SLOT_C, BigInt(off));
    h.run(33, 0);
    cases++;
    for (let k = 0; k < 96; k++) {
      const want = k >= off && k < off + 32 ? Number((x >> BigInt(8 * (31 - (k - off)))) & 0xffn) : before[k];
      if (BYTES[k] !== want) assert.unreachable(`storeBE(${hex(x)}, off=${off}): byte ${k} is ${BYTES[k]}, want ${want}`);
    }
  }
});

const t0 = performance.now();
test.after(() => {
  console.log(`u256: ${cases} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

test.run();

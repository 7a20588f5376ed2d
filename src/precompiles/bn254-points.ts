// alt_bn128 (bn254) for 0x06-0x08 (EIP-196/197): the input encoding and the arithmetic.
//
// Encoding. G1: x, y as 32-byte big-endian words. G2: x = x_im*i + x_re as (x_im,
// x_re), then y the same way (imaginary part first). (0, 0) is the point at infinity.
// Every coordinate must be below the field modulus and the point on its curve; G2
// points must also be in the order-r subgroup (G1 has cofactor 1).
//
// Arithmetic. In Node it runs mcl (herumi's pairing library compiled to WebAssembly,
// the mcl-wasm package, BSD-3-Clause). On the development VM: ECMUL 160 us against
// 0.8-2 ms for @noble/curves' JavaScript on bigints, a two-pair pairing check 3.7 ms
// against 21 ms; ECMUL and the pairing were a quarter of the mainnet blocks' time.
// mcl's set-up is asynchronous (it instantiates its module: about 70 ms), so
// Evm.create awaits loadBn254Wasm(). Until then, and in a browser, @noble/curves
// answers, with the same results (test/bn254.test.ts).

import { bn254 } from '@noble/curves/bn254.js';
import { readUint } from './input.js';

/** The base field modulus p. */
export const P = bn254.fields.Fp.ORDER;
/** The group order r. */
export const R = bn254.fields.Fr.ORDER;

/** A G1 point's affine coordinates as given, below p; (0, 0) is infinity. Not yet checked to be on the curve. */
export type G1Coords = readonly [x: bigint, y: bigint];
/** A G2 point's coordinates as given, below p; all zero is infinity. Not yet checked. */
export type G2Coords = readonly [xRe: bigint, xIm: bigint, yRe: bigint, yIm: bigint];

/** The G1 coordinates at `offset` of the right-padded input, or null if one is not below p. */
export function readG1(input: Uint8Array, offset: number): G1Coords | null {
  const x = readUint(input, offset, 32);
  const y = readUint(input, offset + 32, 32);
  return x >= P || y >= P ? null : [x, y];
}

/** The G2 coordinates at `offset` of the right-padded input, or null if one is not below p. */
export function readG2(input: Uint8Array, offset: number): G2Coords | null {
  const xIm = readUint(input, offset, 32);
  const xRe = readUint(input, offset + 32, 32);
  const yIm = readUint(input, offset + 64, 32);
  const yRe = readUint(input, offset + 96, 32);
  return xIm >= P || xRe >= P || yIm >= P || yRe >= P ? null : [xRe, xIm, yRe, yIm];
}

/** The operations of 0x06-0x08 on checked input; null: a point is not on its curve (or, in G2, its subgroup). */
export interface Bn254Arithmetic {
  /** 64-byte encoding of a + b. */
  add(a: G1Coords, b: G1Coords): Uint8Array | null;
  /** 64-byte encoding of k * p, for k below r. */
  mul(p: G1Coords, k: bigint): Uint8Array | null;
  /** Whether the product of the pairs' pairings is 1. */
  pairingIsOne(pairs: readonly (readonly [G1Coords, G2Coords])[]): boolean | null;
}

const isZero1 = (c: G1Coords) => c[0] === 0n && c[1] === 0n;
const isZero2 = (c: G2Coords) => c[0] === 0n && c[1] === 0n && c[2] === 0n && c[3] === 0n;

/** 64-byte encoding of affine (x, y); infinity is (0, 0). */
function encodeG1(x: bigint, y: bigint): Uint8Array {
  const out = new Uint8Array(64);
  putWord(out, 0, x);
  putWord(out, 32, y);
  return out;
}

function putWord(out: Uint8Array, offset: number, n: bigint): void {
  for (let i = offset + 31; i >= offset && n > 0n; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

// ---- @noble/curves: the fallback, and the reference the WebAssembly one is tested against

type NobleG1 = InstanceType<typeof bn254.G1.Point>;
type NobleG2 = InstanceType<typeof bn254.G2.Point>;

function nobleG1(c: G1Coords): NobleG1 | null {
  if (isZero1(c)) return bn254.G1.Point.ZERO;
  // noble throws for some invalid coordinates already in fromAffine (y = 0, say).
  try {
    const point = bn254.G1.Point.fromAffine({ x: c[0], y: c[1] });
    point.assertValidity(); // on the curve
    return point;
  } catch {
    return null;
  }
}

function nobleG2(c: G2Coords): NobleG2 | null {
  if (isZero2(c)) return bn254.G2.Point.ZERO;
  try {
    const point = bn254.G2.Point.fromAffine({ x: { c0: c[0], c1: c[1] }, y: { c0: c[2], c1: c[3] } });
    point.assertValidity(); // on the twist and in the subgroup
    return point;
  } catch {
    return null;
  }
}

function nobleEncode(p: NobleG1): Uint8Array {
  if (p.is0()) return new Uint8Array(64);
  const { x, y } = p.toAffine();
  return encodeG1(x, y);
}

export const nobleBn254: Bn254Arithmetic = {
  add(a, b) {
    const pa = nobleG1(a);
    const pb = nobleG1(b);
    return pa === null || pb === null ? null : nobleEncode(pa.add(pb));
  },
  mul(p, k) {
    const point = nobleG1(p);
    return point === null ? null : nobleEncode(point.multiplyUnsafe(k));
  },
  pairingIsOne(pairs) {
    const points: { g1: NobleG1; g2: NobleG2 }[] = [];
    for (const [c1, c2] of pairs) {
      const g1 = nobleG1(c1);
      const g2 = nobleG2(c2);
      if (g1 === null || g2 === null) return null;
      // e(O, Q) = e(P, O) = 1: leave such pairs out (noble refuses them).
      if (!g1.is0() && !g2.is0()) points.push({ g1, g2 });
    }
    const { Fp12 } = bn254.fields;
    return points.length === 0 || Fp12.eql(bn254.pairingBatch(points), Fp12.ONE);
  },
};

// ---- mcl in WebAssembly

/** The part of mcl-wasm's API used here. */
interface Mcl {
  init(curve: number): Promise<void>;
  BN_SNARK1: number;
  verifyOrderG2(doVerify: boolean): void;
  G1: new () => MclPoint;
  G2: new () => MclPoint;
  Fr: new () => MclPoint;
  add(a: MclPoint, b: MclPoint): MclPoint;
  mul(a: MclPoint, b: MclPoint): MclPoint;
  millerLoop(p: MclPoint, q: MclPoint): MclPoint;
  finalExp(x: MclPoint): MclPoint;
}

interface MclPoint {
  /** Throws when the string is no valid element (a point off its curve or, with verifyOrderG2, outside G2). */
  setStr(s: string, base?: number): void;
  getStr(base?: number): string;
  normalize(): void;
  isZero(): boolean;
  isOne(): boolean;
}

let mcl: Mcl | null = null;
let loading: Promise<boolean> | undefined;

/**
 * Loads and sets up mcl where it can run (Node); true once it answers 0x06-0x08.
 * Idempotent. No static import: mcl-wasm is a CommonJS package for Node; a page gets
 * @noble/curves instead.
 */
export function loadBn254Wasm(): Promise<boolean> {
  loading ??= (async () => {
    const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
    if (typeof getBuiltin !== 'function') return false;
    try {
      const { createRequire } = getBuiltin('node:module') as { createRequire(from: string): (id: string) => unknown };
      const m = createRequire(import.meta.url)('mcl-wasm') as Mcl;
      await m.init(m.BN_SNARK1);
      m.verifyOrderG2(true); // a G2 point outside the order-r subgroup is invalid input (EIP-197)
      mcl = m;
      return true;
    } catch {
      return false;
    }
  })();
  return loading;
}

/** Whether 0x06-0x08 run in WebAssembly now (false: @noble/curves in JavaScript). */
export function bn254InWasm(): boolean {
  return mcl !== null;
}

const hex = (n: bigint) => n.toString(16);

function mclG1(m: Mcl, c: G1Coords): MclPoint | null {
  const p = new m.G1();
  if (isZero1(c)) return p; // a new point is zero
  try {
    p.setStr(`1 ${hex(c[0])} ${hex(c[1])}`, 16);
    return p;
  } catch {
    return null;
  }
}

function mclG2(m: Mcl, c: G2Coords): MclPoint | null {
  const p = new m.G2();
  if (isZero2(c)) return p;
  try {
    p.setStr(`1 ${hex(c[0])} ${hex(c[1])} ${hex(c[2])} ${hex(c[3])}`, 16);
    return p;
  } catch {
    return null;
  }
}

function mclEncode(p: MclPoint): Uint8Array {
  p.normalize();
  if (p.isZero()) return new Uint8Array(64);
  // "1 x y" in hex once normalised (z = 1).
  const [, x, y] = p.getStr(16).split(' ');
  return encodeG1(BigInt(`0x${x}`), BigInt(`0x${y}`));
}

function mclBn254(m: Mcl): Bn254Arithmetic {
  return {
    add(a, b) {
      const pa = mclG1(m, a);
      const pb = mclG1(m, b);
      return pa === null || pb === null ? null : mclEncode(m.add(pa, pb));
    },
    mul(p, k) {
      const point = mclG1(m, p);
      if (point === null) return null;
      const scalar = new m.Fr();
      scalar.setStr(hex(k), 16);
      return mclEncode(m.mul(point, scalar));
    },
    pairingIsOne(pairs) {
      let product: MclPoint | null = null;
      for (const [c1, c2] of pairs) {
        const g1 = mclG1(m, c1);
        const g2 = mclG2(m, c2);
        if (g1 === null || g2 === null) return null;
        if (g1.isZero() || g2.isZero()) continue; // a factor of 1
        const f = m.millerLoop(g1, g2);
        product = product === null ? f : m.mul(product, f);
      }
      return product === null || m.finalExp(product).isOne();
    },
  };
}

let wasmBn254: Bn254Arithmetic | null = null;

/** The arithmetic in use: mcl once loaded, else @noble/curves. */
export function bn254Arithmetic(): Bn254Arithmetic {
  if (mcl === null) return nobleBn254;
  return (wasmBn254 ??= mclBn254(mcl));
}

/** mcl's arithmetic, or null where it did not load (for tests against nobleBn254). */
export function wasmBn254Arithmetic(): Bn254Arithmetic | null {
  return mcl === null ? null : bn254Arithmetic();
}

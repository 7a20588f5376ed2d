// EIP-2537 encoding of BLS12-381 field elements, points and scalars, shared by
// the precompiles 0x0b-0x11.
//
// - An Fp element is 64 bytes big-endian; p has 381 bits, so the top 16 bytes
//   must be zero, and the value must be below p ("must be checked even if only
//   a subslice of input data is used for actual decoding"). Anything else is an
//   error.
// - An Fp2 element c0 + c1*v is encode(c0) || encode(c1) (128 bytes): real part
//   first, unlike EIP-197's bn254 G2 encoding.
// - A G1 point is x || y (128 bytes), a G2 point x || y (256 bytes). All zero
//   bytes encode the point at infinity ((0, 0) is not on either curve).
// - A scalar is 32 bytes big-endian and need not be below the group order.
//
// Every point must be on its curve (G1: y^2 = x^3 + 4 over Fp; G2: y^2 =
// x^3 + 4(1 + v) over Fp2). MSM and pairing inputs must also be in the order-q
// subgroup; G1ADD and G2ADD deliberately skip that check (EIP-2537: "There is
// no subgroup check for the G1 addition precompile"). noble's assertValidity()
// always includes the subgroup check, so the curve equation is checked here.
import { pippenger } from '@noble/curves/abstract/curve.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import type { Fp2 } from '@noble/curves/abstract/tower.js';

export type G1 = WeierstrassPoint<bigint>;
export type G2 = WeierstrassPoint<Fp2>;

export const G1Point = bls12_381.G1.Point;
export const G2Point = bls12_381.G2.Point;
const Fp = bls12_381.fields.Fp;
const Fp2 = bls12_381.fields.Fp2;
/** The base field modulus p. */
export const P = Fp.ORDER;
/** The order q of the G1/G2 subgroups (EIP-2537's "main subgroup order"). */
export const Q = bls12_381.fields.Fr.ORDER;

export const FP_LEN = 64;
export const G1_LEN = 128;
export const G2_LEN = 256;
export const SCALAR_LEN = 32;

const B1 = 4n;
const B2: Fp2 = { c0: 4n, c1: 4n }; // 4(1 + v)

/** The Fp element encoded at `offset` (the caller checked the input length), or null if not a valid encoding. */
export function readFp(input: Uint8Array, offset: number): bigint | null {
  for (let i = offset; i < offset + 16; i++) if (input[i] !== 0) return null;
  let n = 0n;
  for (let i = offset + 16; i < offset + FP_LEN; i += 8) {
    const hi = ((input[i] << 24) | (input[i + 1] << 16) | (input[i + 2] << 8) | input[i + 3]) >>> 0;
    const lo = ((input[i + 4] << 24) | (input[i + 5] << 16) | (input[i + 6] << 8) | input[i + 7]) >>> 0;
    n = (n << 64n) | (BigInt(hi) << 32n) | BigInt(lo);
  }
  return n < P ? n : null;
}

/** The Fp2 element encoded at `offset`, or null. */
export function readFp2(input: Uint8Array, offset: number): Fp2 | null {
  const c0 = readFp(input, offset);
  const c1 = readFp(input, offset + FP_LEN);
  return c0 === null || c1 === null ? null : { c0, c1 };
}

/** The 32-byte scalar at `offset`, reduced modulo q (valid only for subgroup points). */
export function readScalarModQ(input: Uint8Array, offset: number): bigint {
  let n = 0n;
  for (let i = offset; i < offset + SCALAR_LEN; i++) n = (n << 8n) | BigInt(input[i]);
  return n % Q;
}

/**
 * The G1 point at `offset`, or null if a coordinate is badly encoded, the point
 * is off the curve, or (with `subgroup`) it is outside the order-q subgroup.
 */
export function readG1(input: Uint8Array, offset: number, subgroup: boolean): G1 | null {
  const x = readFp(input, offset);
  const y = readFp(input, offset + FP_LEN);
  if (x === null || y === null) return null;
  if (x === 0n && y === 0n) return G1Point.ZERO;
  const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), B1);
  if (!Fp.eql(Fp.sqr(y), rhs)) return null;
  const point = G1Point.fromAffine({ x, y });
  if (subgroup && !point.isTorsionFree()) return null;
  return point;
}

/** The G2 point at `offset`, or null (as readG1). */
export function readG2(input: Uint8Array, offset: number, subgroup: boolean): G2 | null {
  const x = readFp2(input, offset);
  const y = readFp2(input, offset + 2 * FP_LEN);
  if (x === null || y === null) return null;
  if (Fp2.is0(x) && Fp2.is0(y)) return G2Point.ZERO;
  const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), B2);
  if (!Fp2.eql(Fp2.sqr(y), rhs)) return null;
  const point = G2Point.fromAffine({ x, y });
  if (subgroup && !point.isTorsionFree()) return null;
  return point;
}

function putFp(out: Uint8Array, offset: number, n: bigint): void {
  for (let i = offset + FP_LEN - 1; i >= offset && n > 0n; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

/** 128-byte encoding of a G1 point; infinity is all zeros. */
export function writeG1(point: G1): Uint8Array {
  const out = new Uint8Array(G1_LEN);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  putFp(out, 0, x);
  putFp(out, FP_LEN, y);
  return out;
}

/** 256-byte encoding of a G2 point; infinity is all zeros. */
export function writeG2(point: G2): Uint8Array {
  const out = new Uint8Array(G2_LEN);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
  putFp(out, 0, x.c0);
  putFp(out, FP_LEN, x.c1);
  putFp(out, 2 * FP_LEN, y.c0);
  putFp(out, 3 * FP_LEN, y.c1);
  return out;
}

/**
 * EIP-2537 MSM pricing: k * multiplication_cost * discount(k) / 1000, with
 * k = floor(len / pair_len); an input shorter than one pair prices at 0 (and
 * then fails). `discounts[k - 1]` is the table entry for k pairs; beyond the
 * table the last entry (max_discount) applies.
 */
export function msmGas(inputLength: number, pairLength: number, multiplicationCost: bigint, discounts: readonly number[]): bigint {
  const k = Math.floor(inputLength / pairLength);
  if (k === 0) return 0n;
  const discount = BigInt(discounts[Math.min(k, discounts.length) - 1]);
  return (BigInt(k) * multiplicationCost * discount) / 1000n;
}

/** One of the two groups, as the MSM precompiles (0x0c G1, 0x0e G2) need it. */
export interface MsmGroup<T extends G1 | G2> {
  pointLength: number;
  Point: typeof G1Point | typeof G2Point;
  read(input: Uint8Array, offset: number, subgroup: boolean): T | null;
  write(point: T): Uint8Array;
}

/**
 * EIP-2537 MSM: sum of s_i * P_i over the input's (point, scalar) pairs; null (the
 * precompile fails) for an empty or ragged input or a point off the curve or outside
 * the subgroup.
 */
export function msm<T extends G1 | G2>(input: Uint8Array, group: MsmGroup<T>): Uint8Array | null {
  const pairLength = group.pointLength + SCALAR_LEN;
  if (input.length === 0 || input.length % pairLength !== 0) return null;
  const points: T[] = [];
  const scalars: bigint[] = [];
  for (let offset = 0; offset < input.length; offset += pairLength) {
    const p = group.read(input, offset, true);
    if (p === null) return null;
    // In the subgroup, s * P depends only on s mod q (noble wants scalars below q).
    const s = readScalarModQ(input, offset + group.pointLength);
    if (p.is0() || s === 0n) continue;
    points.push(p);
    scalars.push(s);
  }
  if (points.length === 0) return group.write(group.Point.ZERO as T);
  if (points.length === 1) return group.write(points[0].multiplyUnsafe(scalars[0]) as T);
  return group.write(pippenger(group.Point as never, points as never[], scalars) as T);
}

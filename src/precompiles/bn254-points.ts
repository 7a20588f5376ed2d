// EIP-196/197 encoding of alt_bn128 (bn254) points, shared by 0x06-0x08.
// G1: x, y as 32-byte big-endian words. G2: x = x_im*i + x_re as (x_im, x_re),
// then y the same way (imaginary part first). (0, 0) is the point at infinity.
// Every coordinate must be below the field modulus and the point on its curve;
// G2 points must also be in the order-r subgroup (G1 has cofactor 1).
import { bn254 } from '@noble/curves/bn254.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import type { Fp2 } from '@noble/curves/abstract/tower.js';
import { readUint } from './input.js';

export type G1 = WeierstrassPoint<bigint>;
export type G2 = WeierstrassPoint<Fp2>;

export const G1Point = bn254.G1.Point;
export const G2Point = bn254.G2.Point;
/** The base field modulus p. */
export const P = bn254.fields.Fp.ORDER;
/** The group order r. */
export const R = bn254.fields.Fr.ORDER;

/** The G1 point at `offset` of the right-padded input, or null if invalid. */
export function readG1(input: Uint8Array, offset: number): G1 | null {
  const x = readUint(input, offset, 32);
  const y = readUint(input, offset + 32, 32);
  if (x >= P || y >= P) return null;
  if (x === 0n && y === 0n) return G1Point.ZERO;
  // noble throws for some invalid coordinates already in fromAffine (y = 0, say).
  try {
    const point = G1Point.fromAffine({ x, y });
    point.assertValidity(); // on the curve
    return point;
  } catch {
    return null;
  }
}

/** The G2 point at `offset` of the right-padded input, or null if invalid. */
export function readG2(input: Uint8Array, offset: number): G2 | null {
  const xIm = readUint(input, offset, 32);
  const xRe = readUint(input, offset + 32, 32);
  const yIm = readUint(input, offset + 64, 32);
  const yRe = readUint(input, offset + 96, 32);
  // Checked here: noble's Fp2.isValid compares each part with p^2, not p.
  if (xIm >= P || xRe >= P || yIm >= P || yRe >= P) return null;
  if (xIm === 0n && xRe === 0n && yIm === 0n && yRe === 0n) return G2Point.ZERO;
  try {
    const point = G2Point.fromAffine({ x: { c0: xRe, c1: xIm }, y: { c0: yRe, c1: yIm } });
    point.assertValidity(); // on the twist and in the subgroup
    return point;
  } catch {
    return null;
  }
}

/** 64-byte encoding of a G1 point; infinity is (0, 0). */
export function writeG1(point: G1): Uint8Array {
  const out = new Uint8Array(64);
  if (point.is0()) return out;
  const { x, y } = point.toAffine();
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

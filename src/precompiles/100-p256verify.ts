// 0x100 P256VERIFY (EIP-7951, Osaka): ECDSA verification on secp256r1 (P-256).
// Input exactly 160 bytes: hash | r | s | qx | qy, 32-byte big-endian words.
// Output the 32-byte word 1 if the signature is valid, else EMPTY output: a bad
// length, r or s outside [1, n-1], qx or qy not below p, (qx, qy) off the curve
// (including (0, 0), the usual infinity encoding), a computed R' at infinity,
// or R'.x mod n != r are all "invalid", never a failed call. Gas 6900, charged
// in every case. No low-s rule (malleable signatures verify).
// Verification per the EIP: s1 = s^-1 mod n; R' = (h * s1) G + (r * s1) Q;
// valid iff R' is not infinity and R'.x mod n == r. The hash is used as a
// 256-bit integer, not reduced or truncated beforehand.
import { p256 } from '@noble/curves/nist.js';
import type { Precompile } from './index.js';
import { readUint } from './input.js';

const Point = p256.Point;
const Fp = Point.Fp;
const Fn = Point.Fn;
const N = Fn.ORDER;
const EMPTY = new Uint8Array(0);

function verify(input: Uint8Array): boolean {
  if (input.length !== 160) return false;
  const h = readUint(input, 0, 32);
  const r = readUint(input, 32, 32);
  const s = readUint(input, 64, 32);
  const qx = readUint(input, 96, 32);
  const qy = readUint(input, 128, 32);
  if (r === 0n || r >= N || s === 0n || s >= N) return false;
  if (qx >= Fp.ORDER || qy >= Fp.ORDER) return false;
  if (qx === 0n && qy === 0n) return false;
  // On the curve y^2 = x^3 + a x + b (P-256 has cofactor 1, so that is all).
  const rhs = Fp.add(Fp.add(Fp.mul(Fp.sqr(qx), qx), Fp.mul(Point.CURVE().a, qx)), Point.CURVE().b);
  if (!Fp.eql(Fp.sqr(qy), rhs)) return false;
  const q = Point.fromAffine({ x: qx, y: qy });
  const s1 = Fn.inv(s);
  const u1 = Fn.mul(Fn.create(h), s1);
  const u2 = Fn.mul(r, s1);
  const rPrime = Point.BASE.multiplyUnsafe(u1).add(q.multiplyUnsafe(u2));
  if (rPrime.is0()) return false;
  return Fn.create(rPrime.toAffine().x) === r;
}

export const p256Verify: Precompile = {
  name: 'P256VERIFY',
  gas: () => 6900n,
  run(input) {
    if (!verify(input)) return EMPTY;
    const out = new Uint8Array(32);
    out[31] = 1;
    return out;
  },
};

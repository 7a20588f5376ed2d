// 256-bit EVM words in linear memory: four little-endian u64 limbs at p
// (limb0, the least significant, at p+0 ... limb3 at p+24).
//
// Every function reads all of its inputs into locals (or scratch) before it
// stores, so the result pointer may alias any operand: the interpreter calls
// `op(top, second, second)` in place on the stack. Nothing here allocates;
// division, MULMOD and EXP use the static SCRATCH area below (and division keeps
// its last reciprocals in globals), so these functions are not re-entrant (a
// single-threaded WASM instance never needs it).

const M32: u64 = 0xffffffff;

// Scratch layout (byte offsets, 16-aligned):
//   U  9 limbs  dividend, normalised in place (one extra limb for the shift)
//   V  4 limbs  divisor (normalised into locals)
//   Q  8 limbs  quotient
//   R  4 limbs  remainder
//   T0, T1, T2  one word each (EXP base / accumulator / exponent)
const SCRATCH: usize = memory.data(304, 16);
const U: usize = SCRATCH;
const V: usize = SCRATCH + 80;
const Q: usize = SCRATCH + 112;
const R: usize = SCRATCH + 176;
const T0: usize = SCRATCH + 208;
const T1: usize = SCRATCH + 240;
const T2: usize = SCRATCH + 272;

// Remainders of udivrem2by1 (rem0) and udivrem3by2 (rem1, rem0): no multi-value returns.
let rem0: u64 = 0, rem1: u64 = 0;

// ---------------------------------------------------------------- helpers

/** Limb i (dynamic index) of the word or limb array at p. */
@inline function limb(p: usize, i: i32): u64 {
  return load<u64>(p + (<usize>i << 3));
}

@inline function setLimb(p: usize, i: i32, v: u64): void {
  store<u64>(p + (<usize>i << 3), v);
}

/** High 64 bits of the 128-bit product a * b (the low half is the wrapping a * b). */
@inline function umulh(a: u64, b: u64): u64 {
  const a0 = a & M32, a1 = a >>> 32, b0 = b & M32, b1 = b >>> 32;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  // At most (2^32-1) + (2^32-1) + (2^32-1)^2 = 2^64 - 1: no overflow.
  const mid = (p00 >>> 32) + (p01 & M32) + p10;
  return p11 + (p01 >>> 32) + (mid >>> 32);
}

/** x >>> (64 - s) for s in 0..63, giving 0 when s == 0 (a WASM shift by 64 is a shift by 0). */
@inline function hiBits(x: u64, s: u64): u64 {
  return (x >>> 1) >>> (63 - s);
}

/** x << (64 - s) for s in 0..63, giving 0 when s == 0. */
@inline function loBits(x: u64, s: u64): u64 {
  return (x << 1) << (63 - s);
}

/** dst = s ? -src : src (s is 0 or 1), branch-free. dst may alias src. */
@inline function condNeg(src: usize, dst: usize, s: u64): void {
  const m = 0 - s;
  const x0 = load<u64>(src) ^ m, x1 = load<u64>(src, 8) ^ m;
  const x2 = load<u64>(src, 16) ^ m, x3 = load<u64>(src, 24) ^ m;
  const y0 = x0 + s;
  const c0 = <u64>(y0 < s);
  const y1 = x1 + c0;
  const c1 = <u64>(y1 < c0);
  const y2 = x2 + c1;
  const c2 = <u64>(y2 < c1);
  store<u64>(dst, y0);
  store<u64>(dst, y1, 8);
  store<u64>(dst, y2, 16);
  store<u64>(dst, x3 + c2, 24);
}

// ------------------------------------------------------------ small helpers

@inline export function setZero(r: usize): void {
  store<u64>(r, 0);
  store<u64>(r, 0, 8);
  store<u64>(r, 0, 16);
  store<u64>(r, 0, 24);
}

@inline export function setU64(r: usize, v: u64): void {
  store<u64>(r, v);
  store<u64>(r, 0, 8);
  store<u64>(r, 0, 16);
  store<u64>(r, 0, 24);
}

@inline export function copy(src: usize, dst: usize): void {
  const x0 = v128.load(src), x1 = v128.load(src, 16); // both loads first: src and dst may overlap
  v128.store(dst, x0);
  v128.store(dst, x1, 16);
}

@inline export function isZero(a: usize): bool {
  return (load<u64>(a) | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) == 0;
}

/** Limbs 1..3 are zero. */
@inline export function fitsU64(a: usize): bool {
  return (load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) == 0;
}

/** Leading zero bits, 256 for zero (EIP-7939 CLZ). */
@inline export function clz(a: usize): u32 {
  const a3 = load<u64>(a, 24);
  if (a3 != 0) return <u32>i64.clz(a3);
  const a2 = load<u64>(a, 16);
  if (a2 != 0) return 64 + <u32>i64.clz(a2);
  const a1 = load<u64>(a, 8);
  if (a1 != 0) return 128 + <u32>i64.clz(a1);
  return 192 + <u32>i64.clz(load<u64>(a)); // i64.clz(0) == 64
}

/** Significant bytes (0 for zero), as EXP gas counts them. */
@inline export function byteLength(a: usize): u32 {
  return (263 - clz(a)) >> 3;
}

/** The 16 bytes at p in reverse order (WASM has no byte swap: one shuffle instead of shifts and masks). */
@inline function reversed16(p: usize): v128 {
  const v = v128.load(p);
  return i8x16.shuffle(v, v, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
}

/** r = the big-endian bytes src[0..len) (len 0..32), zero-extended. Reads exactly those bytes. */
@inline export function loadBE(src: usize, len: usize, r: usize): void {
  if (len == 32) {
    const hi = reversed16(src), lo = reversed16(src + 16);
    v128.store(r, lo);
    v128.store(r, hi, 16);
    return;
  }
  const end = src + len;
  let l0: u64 = 0, l1: u64 = 0, l2: u64 = 0, l3: u64 = 0;
  if (len >= 8) l0 = bswap<u64>(load<u64>(end - 8));
  if (len >= 16) l1 = bswap<u64>(load<u64>(end - 16));
  if (len >= 24) l2 = bswap<u64>(load<u64>(end - 24));
  if (len >= 32) l3 = bswap<u64>(load<u64>(end - 32));
  // The len % 8 leading bytes form the top, partial limb.
  let part: u64 = 0;
  let p = src;
  if (len & 4) {
    part = <u64>bswap<u32>(load<u32>(p));
    p += 4;
  }
  if (len & 2) {
    part = (part << 16) | <u64>bswap<u16>(load<u16>(p));
    p += 2;
  }
  if (len & 1) part = (part << 8) | <u64>load<u8>(p);
  const full = len >> 3;
  if (full == 0) l0 = part;
  else if (full == 1) l1 = part;
  else if (full == 2) l2 = part;
  else if (full == 3) l3 = part;
  store<u64>(r, l0);
  store<u64>(r, l1, 8);
  store<u64>(r, l2, 16);
  store<u64>(r, l3, 24);
}

/** dst[0..32) = a as big-endian bytes; dst need not be aligned. */
@inline export function storeBE(a: usize, dst: usize): void {
  const lo = reversed16(a), hi = reversed16(a + 16);
  v128.store(dst, hi);
  v128.store(dst, lo, 16);
}

// ------------------------------------------------------------- arithmetic

@inline export function add(a: usize, b: usize, r: usize): void {
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16), b3 = load<u64>(b, 24);
  const s0 = a0 + b0;
  const c0 = <u64>(s0 < a0);
  const t1 = a1 + c0;
  const s1 = t1 + b1;
  const c1 = <u64>(t1 < c0) | <u64>(s1 < b1);
  const t2 = a2 + c1;
  const s2 = t2 + b2;
  const c2 = <u64>(t2 < c1) | <u64>(s2 < b2);
  store<u64>(r, s0);
  store<u64>(r, s1, 8);
  store<u64>(r, s2, 16);
  store<u64>(r, a3 + b3 + c2, 24);
}

/** r = a - b. */
@inline export function sub(a: usize, b: usize, r: usize): void {
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16), b3 = load<u64>(b, 24);
  const d0 = a0 - b0;
  const w0 = <u64>(a0 < b0);
  const t1 = a1 - b1;
  const d1 = t1 - w0;
  const w1 = <u64>(a1 < b1) | <u64>(t1 < w0);
  const t2 = a2 - b2;
  const d2 = t2 - w1;
  const w2 = <u64>(a2 < b2) | <u64>(t2 < w1);
  store<u64>(r, d0);
  store<u64>(r, d1, 8);
  store<u64>(r, d2, 16);
  store<u64>(r, a3 - b3 - w2, 24);
}

/** r = a * b mod 2^256: only the partial products landing in the low four limbs. */
@inline export function mul(a: usize, b: usize, r: usize): void {
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16), b3 = load<u64>(b, 24);
  // column 0
  const r0 = a0 * b0;
  const h00 = umulh(a0, b0);
  // column 1: h00 + lo(a0 b1) + lo(a1 b0)
  const l01 = a0 * b1, h01 = umulh(a0, b1);
  const l10 = a1 * b0, h10 = umulh(a1, b0);
  let r1 = h00 + l01;
  let c1 = <u64>(r1 < l01);
  r1 += l10;
  c1 += <u64>(r1 < l10);
  // column 2: c1 + h01 + h10 + lo(a0 b2) + lo(a1 b1) + lo(a2 b0)
  const l02 = a0 * b2, h02 = umulh(a0, b2);
  const l11 = a1 * b1, h11 = umulh(a1, b1);
  const l20 = a2 * b0, h20 = umulh(a2, b0);
  let r2 = c1 + h01;
  let c2 = <u64>(r2 < h01);
  r2 += h10;
  c2 += <u64>(r2 < h10);
  r2 += l02;
  c2 += <u64>(r2 < l02);
  r2 += l11;
  c2 += <u64>(r2 < l11);
  r2 += l20;
  c2 += <u64>(r2 < l20);
  // column 3 wraps
  const r3 = c2 + h02 + h11 + h20 + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  store<u64>(r, r0);
  store<u64>(r, r1, 8);
  store<u64>(r, r2, 16);
  store<u64>(r, r3, 24);
}

/**
 * U[0..9) = (a * b) << s (s < 64): the full 512-bit product, shifted as Knuth D
 * normalises a dividend. WASM has no 64x64->128 multiply (a high half costs four
 * multiplies and a dozen other operations), so the product is formed from 32-bit
 * limbs, column by column (Comba): each 32x32-bit product is one i64.mul whose low
 * and high halves are summed apart (s and k: no carries to track, as a column has
 * at most eight products); the column's low 32 bits are a result limb and the rest
 * carries into the next. A square sums each cross product once and doubles the
 * sums: 36 multiplies instead of 64.
 */
@inline function mulShifted(a: usize, b: usize, s: u64): void {
  productOf(a, b);
  const p0 = load<u64>(U), p1 = load<u64>(U, 8), p2 = load<u64>(U, 16), p3 = load<u64>(U, 24);
  const p4 = load<u64>(U, 32), p5 = load<u64>(U, 40), p6 = load<u64>(U, 48), p7 = load<u64>(U, 56);
  store<u64>(U, p0 << s);
  store<u64>(U, (p1 << s) | hiBits(p0, s), 8);
  store<u64>(U, (p2 << s) | hiBits(p1, s), 16);
  store<u64>(U, (p3 << s) | hiBits(p2, s), 24);
  store<u64>(U, (p4 << s) | hiBits(p3, s), 32);
  store<u64>(U, (p5 << s) | hiBits(p4, s), 40);
  store<u64>(U, (p6 << s) | hiBits(p5, s), 48);
  store<u64>(U, (p7 << s) | hiBits(p6, s), 56);
  store<u64>(U, hiBits(p7, s), 64);
}

/** U[0..8) = a * b (512 bits), U[8] = 0. See mulShifted. */
function productOf(a: usize, b: usize): void {
  const a0 = <u64>load<u32>(a), a1 = <u64>load<u32>(a, 4), a2 = <u64>load<u32>(a, 8), a3 = <u64>load<u32>(a, 12);
  const a4 = <u64>load<u32>(a, 16), a5 = <u64>load<u32>(a, 20), a6 = <u64>load<u32>(a, 24), a7 = <u64>load<u32>(a, 28);
  let p0: u64, p1: u64, p2: u64, p3: u64, p4: u64, p5: u64, p6: u64, p7: u64;
  let t: u64, s: u64, k: u64, c: u64 = 0, w: u64 = 0;
  if (load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) && load<u64>(a, 16) == load<u64>(b, 16) && load<u64>(a, 24) == load<u64>(b, 24)) {
    s = c; k = 0; t = a0 * a0; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = 0; k = 0; t = a0 * a1; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; p0 = w | (s << 32); c = (s >>> 32) + k;
    s = 0; k = 0; t = a0 * a2; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; t = a1 * a1; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = 0; k = 0; t = a0 * a3; s += t & M32; k += t >>> 32; t = a1 * a2; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; p1 = w | (s << 32); c = (s >>> 32) + k;
    s = 0; k = 0; t = a0 * a4; s += t & M32; k += t >>> 32; t = a1 * a3; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; t = a2 * a2; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = 0; k = 0; t = a0 * a5; s += t & M32; k += t >>> 32; t = a1 * a4; s += t & M32; k += t >>> 32; t = a2 * a3; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; p2 = w | (s << 32); c = (s >>> 32) + k;
    s = 0; k = 0; t = a0 * a6; s += t & M32; k += t >>> 32; t = a1 * a5; s += t & M32; k += t >>> 32; t = a2 * a4; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; t = a3 * a3; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = 0; k = 0; t = a0 * a7; s += t & M32; k += t >>> 32; t = a1 * a6; s += t & M32; k += t >>> 32; t = a2 * a5; s += t & M32; k += t >>> 32; t = a3 * a4; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; p3 = w | (s << 32); c = (s >>> 32) + k;
    s = 0; k = 0; t = a1 * a7; s += t & M32; k += t >>> 32; t = a2 * a6; s += t & M32; k += t >>> 32; t = a3 * a5; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; t = a4 * a4; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = 0; k = 0; t = a2 * a7; s += t & M32; k += t >>> 32; t = a3 * a6; s += t & M32; k += t >>> 32; t = a4 * a5; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; p4 = w | (s << 32); c = (s >>> 32) + k;
    s = 0; k = 0; t = a3 * a7; s += t & M32; k += t >>> 32; t = a4 * a6; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; t = a5 * a5; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = 0; k = 0; t = a4 * a7; s += t & M32; k += t >>> 32; t = a5 * a6; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; p5 = w | (s << 32); c = (s >>> 32) + k;
    s = 0; k = 0; t = a5 * a7; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; t = a6 * a6; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = 0; k = 0; t = a6 * a7; s += t & M32; k += t >>> 32; k <<= 1; s <<= 1; s += c; p6 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a7 * a7; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    p7 = w | (c << 32);
  } else {
    const b0 = <u64>load<u32>(b), b1 = <u64>load<u32>(b, 4), b2 = <u64>load<u32>(b, 8), b3 = <u64>load<u32>(b, 12);
    const b4 = <u64>load<u32>(b, 16), b5 = <u64>load<u32>(b, 20), b6 = <u64>load<u32>(b, 24), b7 = <u64>load<u32>(b, 28);
    s = c; k = 0; t = a0 * b0; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = c; k = 0; t = a0 * b1; s += t & M32; k += t >>> 32; t = a1 * b0; s += t & M32; k += t >>> 32; p0 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a0 * b2; s += t & M32; k += t >>> 32; t = a1 * b1; s += t & M32; k += t >>> 32; t = a2 * b0; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = c; k = 0; t = a0 * b3; s += t & M32; k += t >>> 32; t = a1 * b2; s += t & M32; k += t >>> 32; t = a2 * b1; s += t & M32; k += t >>> 32; t = a3 * b0; s += t & M32; k += t >>> 32; p1 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a0 * b4; s += t & M32; k += t >>> 32; t = a1 * b3; s += t & M32; k += t >>> 32; t = a2 * b2; s += t & M32; k += t >>> 32; t = a3 * b1; s += t & M32; k += t >>> 32; t = a4 * b0; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = c; k = 0; t = a0 * b5; s += t & M32; k += t >>> 32; t = a1 * b4; s += t & M32; k += t >>> 32; t = a2 * b3; s += t & M32; k += t >>> 32; t = a3 * b2; s += t & M32; k += t >>> 32; t = a4 * b1; s += t & M32; k += t >>> 32; t = a5 * b0; s += t & M32; k += t >>> 32; p2 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a0 * b6; s += t & M32; k += t >>> 32; t = a1 * b5; s += t & M32; k += t >>> 32; t = a2 * b4; s += t & M32; k += t >>> 32; t = a3 * b3; s += t & M32; k += t >>> 32; t = a4 * b2; s += t & M32; k += t >>> 32; t = a5 * b1; s += t & M32; k += t >>> 32; t = a6 * b0; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = c; k = 0; t = a0 * b7; s += t & M32; k += t >>> 32; t = a1 * b6; s += t & M32; k += t >>> 32; t = a2 * b5; s += t & M32; k += t >>> 32; t = a3 * b4; s += t & M32; k += t >>> 32; t = a4 * b3; s += t & M32; k += t >>> 32; t = a5 * b2; s += t & M32; k += t >>> 32; t = a6 * b1; s += t & M32; k += t >>> 32; t = a7 * b0; s += t & M32; k += t >>> 32; p3 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a1 * b7; s += t & M32; k += t >>> 32; t = a2 * b6; s += t & M32; k += t >>> 32; t = a3 * b5; s += t & M32; k += t >>> 32; t = a4 * b4; s += t & M32; k += t >>> 32; t = a5 * b3; s += t & M32; k += t >>> 32; t = a6 * b2; s += t & M32; k += t >>> 32; t = a7 * b1; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = c; k = 0; t = a2 * b7; s += t & M32; k += t >>> 32; t = a3 * b6; s += t & M32; k += t >>> 32; t = a4 * b5; s += t & M32; k += t >>> 32; t = a5 * b4; s += t & M32; k += t >>> 32; t = a6 * b3; s += t & M32; k += t >>> 32; t = a7 * b2; s += t & M32; k += t >>> 32; p4 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a3 * b7; s += t & M32; k += t >>> 32; t = a4 * b6; s += t & M32; k += t >>> 32; t = a5 * b5; s += t & M32; k += t >>> 32; t = a6 * b4; s += t & M32; k += t >>> 32; t = a7 * b3; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = c; k = 0; t = a4 * b7; s += t & M32; k += t >>> 32; t = a5 * b6; s += t & M32; k += t >>> 32; t = a6 * b5; s += t & M32; k += t >>> 32; t = a7 * b4; s += t & M32; k += t >>> 32; p5 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a5 * b7; s += t & M32; k += t >>> 32; t = a6 * b6; s += t & M32; k += t >>> 32; t = a7 * b5; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    s = c; k = 0; t = a6 * b7; s += t & M32; k += t >>> 32; t = a7 * b6; s += t & M32; k += t >>> 32; p6 = w | (s << 32); c = (s >>> 32) + k;
    s = c; k = 0; t = a7 * b7; s += t & M32; k += t >>> 32; w = s & M32; c = (s >>> 32) + k;
    p7 = w | (c << 32);
  }
  store<u64>(U, p0);
  store<u64>(U, p1, 8);
  store<u64>(U, p2, 16);
  store<u64>(U, p3, 24);
  store<u64>(U, p4, 32);
  store<u64>(U, p5, 40);
  store<u64>(U, p6, 48);
  store<u64>(U, p7, 56);
  store<u64>(U, 0, 64);
}

// --------------------------------------------------------------- division
//
// Knuth's Algorithm D (TAOCP vol. 2, 4.3.1) on normalised operands, each quotient
// digit from a division by the divisor's top limb (2-by-1) or top two limbs (3-by-2)
// with a precomputed reciprocal, as in Möller & Granlund, "Improved division by
// invariant integers" (IEEE Trans. Computers 60(2), 2011; "MG" below): after the
// reciprocal, a digit costs multiplications and at most two cheap corrections, and
// the reciprocal itself is a table lookup and Newton steps (no hardware division).
// EVM code divides by the same number again and again (a field prime in MULMOD, a
// scaling constant in DIV), so the last reciprocal of each kind is kept.

// MG Alg. 2, line 5: floor((2^19 - 3 * 2^8) / d9) for the top nine bits d9 = 256..511 of d.
const RECIP_TABLE: usize = memory.data<u16>([
  2045, 2037, 2029, 2021, 2013, 2005, 1998, 1990, 1983, 1975, 1968, 1960, 1953, 1946, 1938, 1931,
  1924, 1917, 1910, 1903, 1896, 1889, 1883, 1876, 1869, 1863, 1856, 1849, 1843, 1836, 1830, 1824,
  1817, 1811, 1805, 1799, 1792, 1786, 1780, 1774, 1768, 1762, 1756, 1750, 1745, 1739, 1733, 1727,
  1722, 1716, 1710, 1705, 1699, 1694, 1688, 1683, 1677, 1672, 1667, 1661, 1656, 1651, 1646, 1641,
  1636, 1630, 1625, 1620, 1615, 1610, 1605, 1600, 1596, 1591, 1586, 1581, 1576, 1572, 1567, 1562,
  1558, 1553, 1548, 1544, 1539, 1535, 1530, 1526, 1521, 1517, 1513, 1508, 1504, 1500, 1495, 1491,
  1487, 1483, 1478, 1474, 1470, 1466, 1462, 1458, 1454, 1450, 1446, 1442, 1438, 1434, 1430, 1426,
  1422, 1418, 1414, 1411, 1407, 1403, 1399, 1396, 1392, 1388, 1384, 1381, 1377, 1374, 1370, 1366,
  1363, 1359, 1356, 1352, 1349, 1345, 1342, 1338, 1335, 1332, 1328, 1325, 1322, 1318, 1315, 1312,
  1308, 1305, 1302, 1299, 1295, 1292, 1289, 1286, 1283, 1280, 1276, 1273, 1270, 1267, 1264, 1261,
  1258, 1255, 1252, 1249, 1246, 1243, 1240, 1237, 1234, 1231, 1228, 1226, 1223, 1220, 1217, 1214,
  1211, 1209, 1206, 1203, 1200, 1197, 1195, 1192, 1189, 1187, 1184, 1181, 1179, 1176, 1173, 1171,
  1168, 1165, 1163, 1160, 1158, 1155, 1153, 1150, 1148, 1145, 1143, 1140, 1138, 1135, 1133, 1130,
  1128, 1125, 1123, 1121, 1118, 1116, 1113, 1111, 1109, 1106, 1104, 1102, 1099, 1097, 1095, 1092,
  1090, 1088, 1086, 1083, 1081, 1079, 1077, 1074, 1072, 1070, 1068, 1066, 1064, 1061, 1059, 1057,
  1055, 1053, 1051, 1049, 1047, 1044, 1042, 1040, 1038, 1036, 1034, 1032, 1030, 1028, 1026, 1024,
]);

// The last reciprocals computed (a normalised divisor is never 0, so 0 means none).
let recipD: u64 = 0, recipV: u64 = 0;
let recip3D1: u64 = 0, recip3D0: u64 = 0, recip3V: u64 = 0;

/** floor((2^128 - 1) / d) - 2^64 for normalised d (top bit set): MG Alg. 2. */
function reciprocalOf(d: u64): u64 {
  const d0 = d & 1;
  const d9 = d >>> 55;
  const d40 = (d >>> 24) + 1;
  const d63 = (d >>> 1) + d0;
  const v0 = <u64>load<u16>(RECIP_TABLE + (<usize>(d9 - 256) << 1));
  const v1 = (v0 << 11) - ((v0 * v0 * d40) >>> 40) - 1;
  const v2 = (v1 << 13) + ((v1 * ((<u64>1 << 60) - v1 * d40)) >>> 47);
  const e = ((v2 >>> 1) & (0 - d0)) - v2 * d63;
  const v3 = (v2 << 31) + (umulh(v2, e) >>> 1);
  // v3 - floor((v3 + 2^64 + 1) * d / 2^64)
  const t = v3 * d + d;
  return v3 - (umulh(v3, d) + d + <u64>(t < d));
}

/** reciprocalOf(d), cached. */
@inline function reciprocal(d: u64): u64 {
  if (d != recipD) {
    recipV = reciprocalOf(d);
    recipD = d;
  }
  return recipV;
}

/** floor((2^192 - 1) / (d1 * 2^64 + d0)) - 2^64 for normalised d1: MG Alg. 6. */
function reciprocal3by2Of(d1: u64, d0: u64): u64 {
  let v = reciprocal(d1);
  let p = d1 * v + d0;
  if (p < d0) {
    v--;
    if (p >= d1) {
      v--;
      p -= d1;
    }
    p -= d1;
  }
  const t0 = v * d0, t1 = umulh(v, d0);
  p += t1;
  if (p < t1) {
    v--;
    if (p > d1 || (p == d1 && t0 >= d0)) v--;
  }
  return v;
}

/** For the tests: the reciprocals, bypassing the caches. */
export function testReciprocal(d: u64): u64 {
  return reciprocalOf(d);
}
export function testReciprocal3by2(d1: u64, d0: u64): u64 {
  return reciprocal3by2Of(d1, d0);
}

/** reciprocal3by2Of(d1, d0), cached. */
@inline function reciprocal3by2(d1: u64, d0: u64): u64 {
  if (d1 != recip3D1 || d0 != recip3D0) {
    recip3V = reciprocal3by2Of(d1, d0);
    recip3D1 = d1;
    recip3D0 = d0;
  }
  return recip3V;
}

/**
 * (u1 * 2^64 + u0) / d with u1 < d, d normalised, v = reciprocal(d): MG Alg. 4.
 * Returns the quotient; the remainder goes to rem0.
 */
@inline function udivrem2by1(u1: u64, u0: u64, d: u64, v: u64): u64 {
  const p0 = v * u1;
  const p1 = umulh(v, u1);
  const q0 = p0 + u0;
  let q1 = p1 + u1 + 1 + <u64>(q0 < u0);
  let r = u0 - q1 * d;
  // r > q0 about half the time: a mask, not a mispredicted branch
  const m = 0 - <u64>(r > q0);
  q1 += m;
  r += d & m;
  if (r >= d) { // unlikely
    q1 += 1;
    r -= d;
  }
  rem0 = r;
  return q1;
}

/**
 * (u2, u1, u0) / (d1, d0) with (u2, u1) < (d1, d0), d1 normalised, v = reciprocal3by2(d1, d0):
 * MG Alg. 5. Returns the quotient; the remainder goes to (rem1, rem0).
 */
@inline function udivrem3by2(u2: u64, u1: u64, u0: u64, d1: u64, d0: u64, v: u64): u64 {
  // (q1, q0) = v * u2 + (u2, u1)
  const p0 = v * u2;
  const q0 = p0 + u1;
  let q1 = umulh(v, u2) + u2 + <u64>(q0 < p0);
  // (r1, r0) = (u1 - q1 d1, u0) - q1 d0 - (d1, d0), all mod 2^128
  const t0 = d0 * q1, t1 = umulh(d0, q1);
  let r1 = u1 - q1 * d1;
  let r0 = u0 - t0;
  r1 = r1 - t1 - <u64>(u0 < t0);
  r1 = r1 - d1 - <u64>(r0 < d0);
  r0 -= d0;
  // q1 + 1, less one when r1 >= q0 (about half the time: a mask, not a branch)
  const m = 0 - <u64>(r1 >= q0);
  q1 += 1 + m;
  const a0 = d0 & m;
  r0 += a0;
  r1 += (d1 & m) + <u64>(r0 < a0);
  if (r1 > d1 || (r1 == d1 && r0 >= d0)) { // unlikely
    q1 += 1;
    r1 = r1 - d1 - <u64>(r0 < d0);
    r0 -= d0;
  }
  rem1 = r1;
  rem0 = r0;
  return q1;
}

/** Dividend U[0..m) by the one-limb divisor d != 0 (normalised on the fly). */
function knuth1(m: i32, d: u64): void {
  const s = i64.clz(d);
  const dn = d << s;
  const v = reciprocal(dn);
  let r = hiBits(limb(U, m - 1), s);
  for (let i = m - 1; i >= 0; i--) {
    const lo = i > 0 ? hiBits(limb(U, i - 1), s) : 0;
    const q = udivrem2by1(r, (limb(U, i) << s) | lo, dn, v);
    r = rem0;
    setLimb(Q, i, q);
  }
  store<u64>(R, r >>> s);
  store<u64>(R, 0, 8);
  store<u64>(R, 0, 16);
  store<u64>(R, 0, 24);
}

/** U[0..m] = U[0..m) << s (m + 1 limbs). */
function normaliseU(m: i32, s: u64): void {
  setLimb(U, m, hiBits(limb(U, m - 1), s));
  for (let i = m - 1; i > 0; i--) setLimb(U, i, (limb(U, i) << s) | hiBits(limb(U, i - 1), s));
  store<u64>(U, load<u64>(U) << s);
}

// Knuth D for an n-limb divisor, n = 2, 3, 4: the dividend U[0..m] is normalised (shifted
// left by s, as the divisor (d_n-1, ..., d0) is), the partial remainder lives in locals and
// takes in one dividend limb per step. Digits go to Q[0..m-n], the remainder, shifted back,
// to R[0..4). The first remainder, U's top n limbs, is below d because U[m] < 2^s <= d_n-1.
//
// A step divides the remainder's top three limbs by d's top two (udivrem3by2): the digit
// or one more; the rest of d times that digit then comes off, and if that goes negative
// (about 2^-64 likely) the digit drops by one and d is added back. udivrem3by2 needs the
// top two limbs below d's; when they are equal (n >= 3; about 2^-128 likely) the digit is
// exactly 2^64 - 1: with E = d - remainder < 2^(64(n-2)), the new remainder
// d + u - E * 2^64 lies in [0, d).

function knuth2(m: i32, d1: u64, d0: u64, s: u64): void {
  const v = reciprocal3by2(d1, d0);
  let r1 = limb(U, m), r0 = limb(U, m - 1);
  for (let j = m - 2; j >= 0; j--) {
    setLimb(Q, j, udivrem3by2(r1, r0, limb(U, j), d1, d0, v));
    r1 = rem1;
    r0 = rem0;
  }
  store<u64>(R, (r0 >>> s) | loBits(r1, s));
  store<u64>(R, r1 >>> s, 8);
  store<u64>(R, 0, 16);
  store<u64>(R, 0, 24);
}

function knuth3(m: i32, d2: u64, d1: u64, d0: u64, s: u64): void {
  const v = reciprocal3by2(d2, d1);
  let r2 = limb(U, m), r1 = limb(U, m - 1), r0 = limb(U, m - 2);
  for (let j = m - 3; j >= 0; j--) {
    const u = limb(U, j);
    let q: u64;
    if (r2 == d2 && r1 == d1) {
      q = ~(<u64>0);
      const e = d0 - r0;
      r0 = d0 + u;
      const c0 = <u64>(r0 < u);
      const x1 = d1 - e;
      const b1 = <u64>(d1 < e);
      r1 = x1 + c0;
      r2 = d2 - b1 + <u64>(r1 < c0);
    } else {
      q = udivrem3by2(r2, r1, r0, d2, d1, v);
      const s1 = rem1, s0 = rem0;
      // (s1, s0, u) -= q * d0
      const l = q * d0, h = umulh(q, d0);
      const z0 = u - l;
      const w0 = <u64>(u < l);
      const y = s0 - h;
      const z1 = y - w0;
      const w1 = <u64>(s0 < h) | <u64>(y < w0);
      r2 = s1 - w1;
      r1 = z1;
      r0 = z0;
      if (s1 < w1) {
        q--;
        r0 = z0 + d0;
        const c0 = <u64>(r0 < d0);
        const e1 = z1 + d1;
        r1 = e1 + c0;
        r2 = r2 + d2 + (<u64>(e1 < d1) | <u64>(r1 < c0));
      }
    }
    setLimb(Q, j, q);
  }
  store<u64>(R, (r0 >>> s) | loBits(r1, s));
  store<u64>(R, (r1 >>> s) | loBits(r2, s), 8);
  store<u64>(R, r2 >>> s, 16);
  store<u64>(R, 0, 24);
}

@inline function knuth4(m: i32, d3: u64, d2: u64, d1: u64, d0: u64, s: u64): void {
  const v = reciprocal3by2(d3, d2);
  let r3 = limb(U, m), r2 = limb(U, m - 1), r1 = limb(U, m - 2), r0 = limb(U, m - 3);
  for (let j = m - 4; j >= 0; j--) {
    const u = limb(U, j);
    let q: u64;
    if (r3 == d3 && r2 == d2) {
      q = ~(<u64>0);
      // (e1, e0) = (d1, d0) - (r1, r0); remainder d - (e1, e0, 0) + u
      const e0 = d0 - r0;
      const e1 = d1 - r1 - <u64>(d0 < r0);
      r0 = d0 + u;
      const c0 = <u64>(r0 < u);
      const x1 = d1 - e0;
      const b1 = <u64>(d1 < e0);
      const x2 = d2 - e1;
      const y2 = x2 - b1;
      const b2 = <u64>(d2 < e1) | <u64>(x2 < b1);
      r1 = x1 + c0;
      const c1 = <u64>(r1 < c0);
      r2 = y2 + c1;
      r3 = d3 - b2 + <u64>(r2 < c1);
    } else {
      // MG Alg. 5 for (r3, r2, r1) / (d3, d2), with its estimate q1's products by d1 and d0
      // formed alongside the one by d2, so the digit (q1, q1 + 1 or, rarely, q1 + 2) only
      // adds (d1, d0) to them: a shorter dependency chain than multiplying by the digit.
      const p0 = v * r3;
      const q0 = p0 + r2;
      const q1 = umulh(v, r3) + r3 + <u64>(q0 < p0);
      const t0 = d2 * q1, t1 = umulh(d2, q1);
      const l1 = q1 * d1, h1 = umulh(q1, d1);
      const l0 = q1 * d0, h0 = umulh(q1, d0);
      // (s1, s0) = (r2 - q1 d3, r1) - q1 d2 - (d3, d2): the top of the remainder for q1 + 1
      let s1 = r2 - q1 * d3;
      let s0 = r1 - t0;
      s1 = s1 - t1 - <u64>(r1 < t0);
      s1 = s1 - d3 - <u64>(s0 < d2);
      s0 -= d2;
      // The digit is q1 when s1 >= q0 (mask m, about half the time), else q1 + 1.
      const m = 0 - <u64>(s1 >= q0);
      const g = d2 & m;
      s0 += g;
      s1 += (d3 & m) + <u64>(s0 < g);
      q = q1 + 1 + m;
      // (P2, P1, P0) = q * (d1, d0) = q1 * (d1, d0) + (d1, d0) unless m
      const f0 = d0 & ~m, f1 = d1 & ~m;
      let P0 = l0 + f0;
      const c0 = <u64>(P0 < f0);
      const x1 = l1 + h0;
      const y1 = x1 + f1;
      let P1 = y1 + c0;
      let P2 = h1 + <u64>(x1 < h0) + <u64>(y1 < f1) + <u64>(P1 < c0);
      if (s1 > d3 || (s1 == d3 && s0 >= d2)) {
        // unlikely: the digit is one more
        q++;
        s1 = s1 - d3 - <u64>(s0 < d2);
        s0 -= d2;
        P0 += d0;
        const c = <u64>(P0 < d0);
        const x = P1 + d1;
        P1 = x + c;
        P2 += <u64>(x < d1) + <u64>(P1 < c);
      }
      // (s1, s0, r0, u) -= (P2, P1, P0)
      const z0 = u - P0;
      const w0 = <u64>(u < P0);
      const y = r0 - P1;
      const z1 = y - w0;
      const w1 = <u64>(r0 < P1) | <u64>(y < w0);
      const yy = s0 - P2;
      const z2 = yy - w1;
      const w2 = <u64>(s0 < P2) | <u64>(yy < w1);
      r3 = s1 - w2;
      r2 = z2;
      r1 = z1;
      r0 = z0;
      if (s1 < w2) {
        // The digit was one too large: add d back.
        q--;
        r0 = z0 + d0;
        const e0 = <u64>(r0 < d0);
        const e1 = z1 + d1;
        r1 = e1 + e0;
        const f1 = <u64>(e1 < d1) | <u64>(r1 < e0);
        const e2 = z2 + d2;
        r2 = e2 + f1;
        r3 = r3 + d3 + (<u64>(e2 < d2) | <u64>(r2 < f1));
      }
    }
    setLimb(Q, j, q);
  }
  store<u64>(R, (r0 >>> s) | loBits(r1, s));
  store<u64>(R, (r1 >>> s) | loBits(r2, s), 8);
  store<u64>(R, (r2 >>> s) | loBits(r3, s), 16);
  store<u64>(R, r3 >>> s, 24);
}

/**
 * Unsigned division of U[0..m) (4 <= m <= 8) by V[0..4) != 0.
 * Writes Q[0..4) (higher quotient limbs only when m > 4) and R[0..4).
 */
function udivrem(m: i32): void {
  let n = 4;
  while (limb(V, n - 1) == 0) n--;
  while (m > 0 && limb(U, m - 1) == 0) m--;
  store<u64>(Q, 0);
  store<u64>(Q, 0, 8);
  store<u64>(Q, 0, 16);
  store<u64>(Q, 0, 24);
  if (m < n) {
    copy(U, R);
    return;
  }
  const v0 = load<u64>(V), v1 = load<u64>(V, 8), v2 = load<u64>(V, 16), v3 = load<u64>(V, 24);
  if (n == 1) {
    knuth1(m, v0);
    return;
  }
  if (n == 2) {
    const s = i64.clz(v1);
    normaliseU(m, s);
    knuth2(m, (v1 << s) | hiBits(v0, s), v0 << s, s);
  } else if (n == 3) {
    const s = i64.clz(v2);
    normaliseU(m, s);
    knuth3(m, (v2 << s) | hiBits(v1, s), (v1 << s) | hiBits(v0, s), v0 << s, s);
  } else {
    const s = i64.clz(v3);
    normaliseU(m, s);
    knuth4(m, (v3 << s) | hiBits(v2, s), (v2 << s) | hiBits(v1, s), (v1 << s) | hiBits(v0, s), v0 << s, s);
  }
}

/** Loads a into U[0..4) and b into V[0..4). */
@inline function loadDivOperands(a: usize, b: usize): void {
  copy(a, U);
  copy(b, V);
}

/** The word b has exactly one bit set. */
@inline function isPow2(b0: u64, b1: u64, b2: u64, b3: u64): bool {
  return popcnt<u64>(b0) + popcnt<u64>(b1) + popcnt<u64>(b2) + popcnt<u64>(b3) == 1;
}

/** Index of the highest set bit of b != 0. */
@inline function topBit(b0: u64, b1: u64, b2: u64, b3: u64): u64 {
  return b3 != 0 ? 255 - i64.clz(b3) : b2 != 0 ? 191 - i64.clz(b2) : b1 != 0 ? 127 - i64.clz(b1) : 63 - i64.clz(b0);
}

/** r = a / b (0 if b == 0). */
export function div(a: usize, b: usize, r: usize): void {
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16), b3 = load<u64>(b, 24);
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  if ((b1 | b2 | b3 | a1 | a2 | a3) == 0) {
    setU64(r, b0 != 0 ? a0 / b0 : 0);
    return;
  }
  if ((b0 | b1 | b2 | b3) == 0) {
    setZero(r);
    return;
  }
  // Division by 2^k is a shift (older compilers divide to shift right).
  if (isPow2(b0, b1, b2, b3)) {
    shiftRight(topBit(b0, b1, b2, b3), a0, a1, a2, a3, 0, r);
    return;
  }
  if (lt(a, b)) {
    setZero(r);
    return;
  }
  loadDivOperands(a, b);
  udivrem(4);
  copy(Q, r);
}

/** r = a % b (0 if b == 0). */
export function mod(a: usize, b: usize, r: usize): void {
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16), b3 = load<u64>(b, 24);
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  if ((b1 | b2 | b3 | a1 | a2 | a3) == 0) {
    setU64(r, b0 != 0 ? a0 % b0 : 0);
    return;
  }
  if ((b0 | b1 | b2 | b3) == 0) {
    setZero(r);
    return;
  }
  if (isPow2(b0, b1, b2, b3)) {
    // a & (b - 1)
    const w0 = <u64>(b0 == 0);
    const w1 = w0 & <u64>(b1 == 0);
    const w2 = w1 & <u64>(b2 == 0);
    store<u64>(r, a0 & (b0 - 1));
    store<u64>(r, a1 & (b1 - w0), 8);
    store<u64>(r, a2 & (b2 - w1), 16);
    store<u64>(r, a3 & (b3 - w2), 24);
    return;
  }
  if (lt(a, b)) {
    copy(a, r);
    return;
  }
  loadDivOperands(a, b);
  udivrem(4);
  copy(R, r);
}

/** Signed a / b, truncating; b == 0 gives 0; -2^255 / -1 gives -2^255. */
export function sdiv(a: usize, b: usize, r: usize): void {
  const sa = load<u64>(a, 24) >>> 63, sb = load<u64>(b, 24) >>> 63;
  if ((sa | sb) == 0) {
    div(a, b, r);
    return;
  }
  if (isZero(b)) {
    setZero(r);
    return;
  }
  condNeg(a, U, sa);
  condNeg(b, V, sb);
  udivrem(4);
  condNeg(Q, r, sa ^ sb);
}

/** Signed a % b; the result takes the dividend's sign; b == 0 gives 0. */
export function smod(a: usize, b: usize, r: usize): void {
  const sa = load<u64>(a, 24) >>> 63, sb = load<u64>(b, 24) >>> 63;
  if ((sa | sb) == 0) {
    mod(a, b, r);
    return;
  }
  if (isZero(b)) {
    setZero(r);
    return;
  }
  condNeg(a, U, sa);
  condNeg(b, V, sb);
  udivrem(4);
  condNeg(R, r, sa);
}

/** r = (a + b) % n on the exact 257-bit sum; n == 0 gives 0. */
export function addmod(a: usize, b: usize, n: usize, r: usize): void {
  if (isZero(n)) {
    setZero(r);
    return;
  }
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16), b3 = load<u64>(b, 24);
  const s0 = a0 + b0;
  const c0 = <u64>(s0 < a0);
  const t1 = a1 + c0;
  const s1 = t1 + b1;
  const c1 = <u64>(t1 < c0) | <u64>(s1 < b1);
  const t2 = a2 + c1;
  const s2 = t2 + b2;
  const c2 = <u64>(t2 < c1) | <u64>(s2 < b2);
  const t3 = a3 + c2;
  const s3 = t3 + b3;
  const c3 = <u64>(t3 < c2) | <u64>(s3 < b3);
  store<u64>(U, s0);
  store<u64>(U, s1, 8);
  store<u64>(U, s2, 16);
  store<u64>(U, s3, 24);
  store<u64>(U, c3, 32);
  copy(n, V);
  if (lt(a, V) && lt(b, V)) {
    // Common case: the sum is below 2n, so one conditional subtraction reduces it.
    if (c3 != 0 || !lt(U, V)) sub(U, V, U);
    copy(U, r);
    return;
  }
  udivrem(5);
  copy(R, r);
}

/**
 * The normalised remainder (x << s) mod d of the word at p, for d = n << s normalised
 * and v = reciprocal(d): Knuth D with one-limb divisor (x mod n is the result >> s).
 */
@inline function modLimb(p: usize, d: u64, s: u64, v: u64): u64 {
  const x0 = load<u64>(p), x1 = load<u64>(p, 8), x2 = load<u64>(p, 16), x3 = load<u64>(p, 24);
  let r: u64;
  if ((x1 | x2 | x3) == 0) {
    r = hiBits(x0, s);
  } else {
    udivrem2by1(hiBits(x3, s), (x3 << s) | hiBits(x2, s), d, v);
    udivrem2by1(rem0, (x2 << s) | hiBits(x1, s), d, v);
    udivrem2by1(rem0, (x1 << s) | hiBits(x0, s), d, v);
    r = rem0;
  }
  udivrem2by1(r, x0 << s, d, v);
  return rem0;
}

/** MULMOD with 0 < n < 2^64: reduce both factors, then their 128-bit product. */
function mulmod1(a: usize, b: usize, n: u64, r: usize): void {
  const s = i64.clz(n);
  const d = n << s;
  const v = reciprocal(d);
  const x = modLimb(a, d, s, v) >>> s;
  const y = modLimb(b, d, s, v) >>> s;
  // x * y < n^2, so the normalised product's top limb is below d.
  const lo = x * y, hi = umulh(x, y);
  udivrem2by1((hi << s) | hiBits(lo, s), lo << s, d, v);
  setU64(r, rem0 >>> s);
}

/**
 * The dividend size m for Knuth D on the shifted product U[0..9): one above its top
 * nonzero limb, at least n - 1 (so the top limb U[m] is zero, or U[8] < 2^s: below
 * the divisor's top limb either way). Small products then take fewer steps.
 */
@inline function productLimbs(n: i32): i32 {
  let t = 8;
  while (t > 0 && limb(U, t) == 0) t--;
  const m = t == 8 ? 8 : t + 1;
  return m > n - 1 ? m : n - 1;
}

// Barrett reduction (Handbook of Applied Cryptography, Alg. 14.42) for moduli of 242
// to 256 bits, in base b = 2^30 with WASM SIMD: 30-bit limbs, two columns per
// i64x2, and each 32x32->64-bit multiply (i64x2.extmul_low_i32x4_u) summed whole, as a
// column of ten products of 30-bit limbs stays below 2^64 (32-bit limbs would need
// every product split into halves). mu = floor(2^510 / n) is computed once per
// modulus (EVM code reduces by the same field prime again and again); then
// q = floor(floor(x / b^8) * mu / b^9), from the product's columns 7 and up, is at
// most six below x / n (mu / b^9 <= 1/2 as n >= 2^241, floor(x / b^8) / b^9 < 4, one
// each for the floors and the columns left out), so r = x - q * n is below 7n and
// below b^9: it is computed mod b^9 and brought under n by subtracting n.
//
// Operands as 30-bit limbs (u32s) in RDX: RA (a, nine limbs), RB (b), RX (the product,
// eighteen), RMU (mu, nine), RQ (q, ten), RN (n, nine). RB, RMU and RN keep a zero limb
// either side, for the limb pairs that reach past their ends.
const M30: u64 = 0x3fffffff;
const RDX: usize = memory.data(320, 16);
const RA: usize = RDX;
const RB: usize = RDX + 52;
const RX: usize = RDX + 96;
const RMU: usize = RDX + 180;
const RQ: usize = RDX + 224;
const RN: usize = RDX + 276;
// The modulus mu is for.
let bn0: u64 = 0, bn1: u64 = 0, bn2: u64 = 0, bn3: u64 = 0;

/** The nine 30-bit limbs at dst of w0 + w1 * 2^64 + ... + w4 * 2^256 (below 2^270). */
@inline function toRadix30(w0: u64, w1: u64, w2: u64, w3: u64, w4: u64, dst: usize): void {
  store<u32>(dst, <u32>(w0 & M30));
  store<u32>(dst, <u32>((w0 >>> 30) & M30), 4);
  store<u32>(dst, <u32>(((w0 >>> 60) | (w1 << 4)) & M30), 8);
  store<u32>(dst, <u32>((w1 >>> 26) & M30), 12);
  store<u32>(dst, <u32>(((w1 >>> 56) | (w2 << 8)) & M30), 16);
  store<u32>(dst, <u32>((w2 >>> 22) & M30), 20);
  store<u32>(dst, <u32>(((w2 >>> 52) | (w3 << 12)) & M30), 24);
  store<u32>(dst, <u32>((w3 >>> 18) & M30), 28);
  store<u32>(dst, <u32>((w3 >>> 48) | (w4 << 16)), 32);
}

@inline function wordToRadix30(p: usize, dst: usize): void {
  toRadix30(load<u64>(p), load<u64>(p, 8), load<u64>(p, 16), load<u64>(p, 24), 0, dst);
}

/** (x[0] * y[0], x[0] * y[1]) for limb pointers x and y: one limb times a pair. */
@inline function pairTerm(x: usize, y: usize): v128 {
  return i64x2.extmul_low_i32x4_u(v128.load32_splat(x), v128.load64_zero(y));
}

/** (x[0] * x[0], 0). */
@inline function diagonalTerm(x: usize): v128 {
  return i64x2.extmul_low_i32x4_u(v128.load32_splat(x), v128.load32_zero(x));
}

function barrettSetup(n0: u64, n1: u64, n2: u64, n3: u64): void {
  for (let i = 0; i < 7; i++) setLimb(U, i, 0);
  setLimb(U, 7, <u64>1 << 62);
  store<u64>(V, n0);
  store<u64>(V, n1, 8);
  store<u64>(V, n2, 16);
  store<u64>(V, n3, 24);
  udivrem(8); // quotient in Q[0..5)
  toRadix30(load<u64>(Q), load<u64>(Q, 8), load<u64>(Q, 16), load<u64>(Q, 24), load<u64>(Q, 32), RMU);
  toRadix30(n0, n1, n2, n3, 0, RN);
  bn0 = n0; bn1 = n1; bn2 = n2; bn3 = n3;
}

// Moduli used lately, each with its mu and limbs (EVM code alternates between a few
// field primes and group orders): slot = [n: 4 u64][mu: 9 u32][n: 9 u32], round robin.
const MU_SLOTS: i32 = 4;
const MU_SLOT: usize = 112;
const MU_CACHE: usize = memory.data(<i32>MU_SLOT * MU_SLOTS, 16);
let muUsed: i32 = 0;
let muNext: i32 = 0;

/** Makes n the modulus of RMU/RN (and bn0..bn3): from the cache, else barrettSetup. */
function barrettSelect(n0: u64, n1: u64, n2: u64, n3: u64): void {
  for (let i = 0; i < muUsed; i++) {
    const slot = MU_CACHE + <usize>i * MU_SLOT;
    if (load<u64>(slot) == n0 && load<u64>(slot, 8) == n1 && load<u64>(slot, 16) == n2 && load<u64>(slot, 24) == n3) {
      memory.copy(RMU, slot + 32, 36);
      memory.copy(RN, slot + 68, 36);
      bn0 = n0; bn1 = n1; bn2 = n2; bn3 = n3;
      return;
    }
  }
  barrettSetup(n0, n1, n2, n3);
  const slot = MU_CACHE + <usize>muNext * MU_SLOT;
  store<u64>(slot, n0);
  store<u64>(slot, n1, 8);
  store<u64>(slot, n2, 16);
  store<u64>(slot, n3, 24);
  memory.copy(slot + 32, RMU, 36);
  memory.copy(slot + 68, RN, 36);
  muNext = (muNext + 1) % MU_SLOTS;
  if (muUsed < MU_SLOTS) muUsed++;
}

/** RX[0..18) = RA * RB: column pairs, each 30-bit product summed whole (a column of nine is below 2^64). */
@inline function product30(): void {
  let v: v128, t: u64, c: u64 = 0;
  v = pairTerm(RA, RB);
  v = i64x2.add(v, pairTerm(RA + 4, RB - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 4, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 8);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 4));
  v = i64x2.add(v, pairTerm(RA + 8, RB));
  v = i64x2.add(v, pairTerm(RA + 12, RB - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 8, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 12, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 16);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 12));
  v = i64x2.add(v, pairTerm(RA + 8, RB + 8));
  v = i64x2.add(v, pairTerm(RA + 12, RB + 4));
  v = i64x2.add(v, pairTerm(RA + 16, RB));
  v = i64x2.add(v, pairTerm(RA + 20, RB - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 16, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 20, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 24);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 20));
  v = i64x2.add(v, pairTerm(RA + 8, RB + 16));
  v = i64x2.add(v, pairTerm(RA + 12, RB + 12));
  v = i64x2.add(v, pairTerm(RA + 16, RB + 8));
  v = i64x2.add(v, pairTerm(RA + 20, RB + 4));
  v = i64x2.add(v, pairTerm(RA + 24, RB));
  v = i64x2.add(v, pairTerm(RA + 28, RB - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 24, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 28, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 28));
  v = i64x2.add(v, pairTerm(RA + 8, RB + 24));
  v = i64x2.add(v, pairTerm(RA + 12, RB + 20));
  v = i64x2.add(v, pairTerm(RA + 16, RB + 16));
  v = i64x2.add(v, pairTerm(RA + 20, RB + 12));
  v = i64x2.add(v, pairTerm(RA + 24, RB + 8));
  v = i64x2.add(v, pairTerm(RA + 28, RB + 4));
  v = i64x2.add(v, pairTerm(RA + 32, RB));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 32, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 36, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 8, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 12, RB + 28));
  v = i64x2.add(v, pairTerm(RA + 16, RB + 24));
  v = i64x2.add(v, pairTerm(RA + 20, RB + 20));
  v = i64x2.add(v, pairTerm(RA + 24, RB + 16));
  v = i64x2.add(v, pairTerm(RA + 28, RB + 12));
  v = i64x2.add(v, pairTerm(RA + 32, RB + 8));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 40, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 44, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 16, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 20, RB + 28));
  v = i64x2.add(v, pairTerm(RA + 24, RB + 24));
  v = i64x2.add(v, pairTerm(RA + 28, RB + 20));
  v = i64x2.add(v, pairTerm(RA + 32, RB + 16));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 48, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 52, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 24, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 28, RB + 28));
  v = i64x2.add(v, pairTerm(RA + 32, RB + 24));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 56, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 60, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 32, RB + 32);
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 64, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 68, <u32>(t & M30)); c = t >>> 30;
}

/** RX[0..18) = RA * RA (RB holding the same limbs): each cross product once, doubled. */
@inline function square30(): void {
  let v: v128, t: u64, c: u64 = 0;
  v = pairTerm(RA, RB);
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 4, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 8);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 4));
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 8, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 12, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 16);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 12));
  v = i64x2.add(v, pairTerm(RA + 8, RB + 8));
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 8));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 16, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 20, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 24);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 20));
  v = i64x2.add(v, pairTerm(RA + 8, RB + 16));
  v = i64x2.add(v, pairTerm(RA + 12, RB + 12));
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 12));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 24, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 28, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 4, RB + 28));
  v = i64x2.add(v, pairTerm(RA + 8, RB + 24));
  v = i64x2.add(v, pairTerm(RA + 12, RB + 20));
  v = i64x2.add(v, pairTerm(RA + 16, RB + 16));
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 16));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 32, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 36, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 8, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 12, RB + 28));
  v = i64x2.add(v, pairTerm(RA + 16, RB + 24));
  v = i64x2.add(v, pairTerm(RA + 20, RB + 20));
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 20));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 40, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 44, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 16, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 20, RB + 28));
  v = i64x2.add(v, pairTerm(RA + 24, RB + 24));
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 24));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 48, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 52, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 24, RB + 32);
  v = i64x2.add(v, pairTerm(RA + 28, RB + 28));
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 28));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 56, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 60, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RA + 32, RB + 32);
  v = i64x2.sub(i64x2.shl(v, 1), diagonalTerm(RA + 32));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RX + 64, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RX + 68, <u32>(t & M30)); c = t >>> 30;
}

/** r = x mod n for x = RX[0..18) and n = (bn0..bn3) after barrettSetup(n). */
@inline function barrettReduce(r: usize): void {
  let v: v128, t: u64, c: u64 = 0;
  // RQ = q = floor(floor(x / 2^240) * mu / 2^270) from the columns 7 and up of the product
  v = pairTerm(RX + 32, RMU + 28);
  v = i64x2.add(v, pairTerm(RX + 32 + 4, RMU + 24));
  v = i64x2.add(v, pairTerm(RX + 32 + 8, RMU + 20));
  v = i64x2.add(v, pairTerm(RX + 32 + 12, RMU + 16));
  v = i64x2.add(v, pairTerm(RX + 32 + 16, RMU + 12));
  v = i64x2.add(v, pairTerm(RX + 32 + 20, RMU + 8));
  v = i64x2.add(v, pairTerm(RX + 32 + 24, RMU + 4));
  v = i64x2.add(v, pairTerm(RX + 32 + 28, RMU));
  v = i64x2.add(v, pairTerm(RX + 32 + 32, RMU - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; c = t >>> 30;
  v = pairTerm(RX + 32 + 4, RMU + 32);
  v = i64x2.add(v, pairTerm(RX + 32 + 8, RMU + 28));
  v = i64x2.add(v, pairTerm(RX + 32 + 12, RMU + 24));
  v = i64x2.add(v, pairTerm(RX + 32 + 16, RMU + 20));
  v = i64x2.add(v, pairTerm(RX + 32 + 20, RMU + 16));
  v = i64x2.add(v, pairTerm(RX + 32 + 24, RMU + 12));
  v = i64x2.add(v, pairTerm(RX + 32 + 28, RMU + 8));
  v = i64x2.add(v, pairTerm(RX + 32 + 32, RMU + 4));
  v = i64x2.add(v, pairTerm(RX + 32 + 36, RMU));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RQ, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RQ + 4, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RX + 32 + 12, RMU + 32);
  v = i64x2.add(v, pairTerm(RX + 32 + 16, RMU + 28));
  v = i64x2.add(v, pairTerm(RX + 32 + 20, RMU + 24));
  v = i64x2.add(v, pairTerm(RX + 32 + 24, RMU + 20));
  v = i64x2.add(v, pairTerm(RX + 32 + 28, RMU + 16));
  v = i64x2.add(v, pairTerm(RX + 32 + 32, RMU + 12));
  v = i64x2.add(v, pairTerm(RX + 32 + 36, RMU + 8));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RQ + 8, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RQ + 12, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RX + 32 + 20, RMU + 32);
  v = i64x2.add(v, pairTerm(RX + 32 + 24, RMU + 28));
  v = i64x2.add(v, pairTerm(RX + 32 + 28, RMU + 24));
  v = i64x2.add(v, pairTerm(RX + 32 + 32, RMU + 20));
  v = i64x2.add(v, pairTerm(RX + 32 + 36, RMU + 16));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RQ + 16, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RQ + 20, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RX + 32 + 28, RMU + 32);
  v = i64x2.add(v, pairTerm(RX + 32 + 32, RMU + 28));
  v = i64x2.add(v, pairTerm(RX + 32 + 36, RMU + 24));
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RQ + 24, <u32>(t & M30)); c = t >>> 30;
  t = <u64>i64x2.extract_lane(v, 1) + c; store<u32>(RQ + 28, <u32>(t & M30)); c = t >>> 30;
  v = pairTerm(RX + 32 + 36, RMU + 32);
  t = <u64>i64x2.extract_lane(v, 0) + c; store<u32>(RQ + 32, <u32>(t & M30)); c = t >>> 30;
  store<u32>(RQ + 36, <u32>(<u64>i64x2.extract_lane(v, 1) + c)); // below 2^2, as q < 2^271
  // z = (x - q * n) mod b^9, column by column
  c = 0;
  let e: i64 = 0;
  v = pairTerm(RQ, RN - 4);
  t = <u64>i64x2.extract_lane(v, 1) + c; c = t >>> 30;
  e = <i64>load<u32>(RX) - <i64>(t & M30) + (e >> 30); const z0 = <u64>e & M30;
  v = pairTerm(RQ, RN + 4);
  v = i64x2.add(v, pairTerm(RQ + 4, RN));
  v = i64x2.add(v, pairTerm(RQ + 8, RN - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 4) - <i64>(t & M30) + (e >> 30); const z1 = <u64>e & M30;
  t = <u64>i64x2.extract_lane(v, 1) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 8) - <i64>(t & M30) + (e >> 30); const z2 = <u64>e & M30;
  v = pairTerm(RQ, RN + 12);
  v = i64x2.add(v, pairTerm(RQ + 4, RN + 8));
  v = i64x2.add(v, pairTerm(RQ + 8, RN + 4));
  v = i64x2.add(v, pairTerm(RQ + 12, RN));
  v = i64x2.add(v, pairTerm(RQ + 16, RN - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 12) - <i64>(t & M30) + (e >> 30); const z3 = <u64>e & M30;
  t = <u64>i64x2.extract_lane(v, 1) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 16) - <i64>(t & M30) + (e >> 30); const z4 = <u64>e & M30;
  v = pairTerm(RQ, RN + 20);
  v = i64x2.add(v, pairTerm(RQ + 4, RN + 16));
  v = i64x2.add(v, pairTerm(RQ + 8, RN + 12));
  v = i64x2.add(v, pairTerm(RQ + 12, RN + 8));
  v = i64x2.add(v, pairTerm(RQ + 16, RN + 4));
  v = i64x2.add(v, pairTerm(RQ + 20, RN));
  v = i64x2.add(v, pairTerm(RQ + 24, RN - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 20) - <i64>(t & M30) + (e >> 30); const z5 = <u64>e & M30;
  t = <u64>i64x2.extract_lane(v, 1) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 24) - <i64>(t & M30) + (e >> 30); const z6 = <u64>e & M30;
  v = pairTerm(RQ, RN + 28);
  v = i64x2.add(v, pairTerm(RQ + 4, RN + 24));
  v = i64x2.add(v, pairTerm(RQ + 8, RN + 20));
  v = i64x2.add(v, pairTerm(RQ + 12, RN + 16));
  v = i64x2.add(v, pairTerm(RQ + 16, RN + 12));
  v = i64x2.add(v, pairTerm(RQ + 20, RN + 8));
  v = i64x2.add(v, pairTerm(RQ + 24, RN + 4));
  v = i64x2.add(v, pairTerm(RQ + 28, RN));
  v = i64x2.add(v, pairTerm(RQ + 32, RN - 4));
  t = <u64>i64x2.extract_lane(v, 0) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 28) - <i64>(t & M30) + (e >> 30); const z7 = <u64>e & M30;
  t = <u64>i64x2.extract_lane(v, 1) + c; c = t >>> 30;
  e = <i64>load<u32>(RX + 32) - <i64>(t & M30) + (e >> 30); const z8 = <u64>e & M30;

  let r0 = z0 | (z1 << 30) | (z2 << 60), r1 = (z2 >>> 4) | (z3 << 26) | (z4 << 56);
  let r2 = (z4 >>> 8) | (z5 << 22) | (z6 << 52), r3 = (z6 >>> 12) | (z7 << 18) | (z8 << 48), r4 = z8 >>> 16;
  const n0 = bn0, n1 = bn1, n2 = bn2, n3 = bn3;
  while (r4 != 0 || r3 > n3 || (r3 == n3 && (r2 > n2 || (r2 == n2 && (r1 > n1 || (r1 == n1 && r0 >= n0)))))) {
    const s0 = r0 - n0;
    let bw = <u64>(r0 < n0);
    const s1 = r1 - n1 - bw;
    bw = <u64>(r1 < n1) | (<u64>(r1 == n1) & bw);
    const s2 = r2 - n2 - bw;
    bw = <u64>(r2 < n2) | (<u64>(r2 == n2) & bw);
    const s3 = r3 - n3 - bw;
    bw = <u64>(r3 < n3) | (<u64>(r3 == n3) & bw);
    r4 -= bw;
    r0 = s0;
    r1 = s1;
    r2 = s2;
    r3 = s3;
  }
  store<u64>(r, r0);
  store<u64>(r, r1, 8);
  store<u64>(r, r2, 16);
  store<u64>(r, r3, 24);
}

/** r = (a * b) % n on the exact 512-bit product; n == 0 gives 0. */
export function mulmod(a: usize, b: usize, n: usize, r: usize): void {
  const n0 = load<u64>(n), n1 = load<u64>(n, 8), n2 = load<u64>(n, 16), n3 = load<u64>(n, 24);
  if ((n1 | n2 | n3) == 0) {
    if (n0 == 0) setZero(r);
    else mulmod1(a, b, n0, r);
    return;
  }
  if (isZero(a) || isZero(b)) {
    setZero(r);
    return;
  }
  if ((n3 >>> 49) != 0) {
    if (n0 != bn0 || n1 != bn1 || n2 != bn2 || n3 != bn3) barrettSelect(n0, n1, n2, n3);
    wordToRadix30(a, RA);
    wordToRadix30(b, RB);
    if (eq(a, b)) square30();
    else product30();
    barrettReduce(r);
    return;
  }
  // Below 2^241: the product, normalised for the modulus's top limb, then Knuth D (the quotient unused).
  const s = i64.clz(n3 != 0 ? n3 : n2 != 0 ? n2 : n1);
  mulShifted(a, b, s);
  const d0 = n0 << s, d1 = (n1 << s) | hiBits(n0, s), d2 = (n2 << s) | hiBits(n1, s), d3 = (n3 << s) | hiBits(n2, s);
  if (n3 != 0) knuth4(productLimbs(4), d3, d2, d1, d0, s);
  else if (n2 != 0) knuth3(productLimbs(3), d2, d1, d0, s);
  else knuth2(productLimbs(2), d1, d0, s);
  copy(R, r);
}

/** r = a * a mod 2^256: the cross products once, doubled (four high halves, not six). */
@inline function sqr(a: usize, r: usize): void {
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  const r0 = a0 * a0, h00 = umulh(a0, a0);
  const l01 = a0 * a1, h01 = umulh(a0, a1);
  const l02 = a0 * a2, h02 = umulh(a0, a2);
  const l11 = a1 * a1, h11 = umulh(a1, a1);
  // column 1: h00 + 2 lo(a0 a1)
  const d1 = l01 << 1;
  const r1 = h00 + d1;
  const c1 = (l01 >>> 63) + <u64>(r1 < d1);
  // column 2: c1 + 2 (hi(a0 a1) + lo(a0 a2)) + lo(a1 a1)
  const x = h01 + l02;
  let c2 = (<u64>(x < l02) << 1) | (x >>> 63);
  let r2 = (x << 1) + l11;
  c2 += <u64>(r2 < l11);
  r2 += c1;
  c2 += <u64>(r2 < c1);
  // column 3 wraps
  const r3 = c2 + ((h02 + a0 * a3 + a1 * a2) << 1) + h11;
  store<u64>(r, r0);
  store<u64>(r, r1, 8);
  store<u64>(r, r2, 16);
  store<u64>(r, r3, 24);
}

/** r = a ** b mod 2^256 (left-to-right square-and-multiply). */
export function exp(a: usize, b: usize, r: usize): void {
  const bits = 256 - clz(b);
  if (bits == 0) {
    setU64(r, 1);
    return;
  }
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  const pop = popcnt<u64>(a0) + popcnt<u64>(a1) + popcnt<u64>(a2) + popcnt<u64>(a3);
  if (pop <= 1) {
    // 0 ** b = 0 (b != 0); (2^k) ** b = 2^(k b) (so 1 ** b = 1), zero once k b >= 256.
    if (pop == 0) {
      setZero(r);
      return;
    }
    const k = <u64>(255 - clz(a));
    const e = load<u64>(b);
    if (k != 0 && (!fitsU64(b) || e >= 256 || k * e >= 256)) {
      setZero(r);
      return;
    }
    const sh = k * e;
    const l = sh >> 6, one = <u64>1 << (sh & 63);
    store<u64>(r, l == 0 ? one : 0);
    store<u64>(r, l == 1 ? one : 0, 8);
    store<u64>(r, l == 2 ? one : 0, 16);
    store<u64>(r, l == 3 ? one : 0, 24);
    return;
  }
  copy(a, T0);
  copy(b, T2);
  copy(a, T1); // the exponent's top bit
  for (let i = <i32>bits - 2; i >= 0; i--) {
    sqr(T1, T1);
    if (((limb(T2, i >> 6) >>> (<u64>i & 63)) & 1) != 0) mul(T1, T0, T1);
  }
  copy(T1, r);
}

/** EVM SIGNEXTEND: extend x from byte b (counting from the least significant); b >= 31 gives x. */
@inline export function signextend(b: usize, x: usize, r: usize): void {
  const b0 = load<u64>(b);
  const x0 = load<u64>(x), x1 = load<u64>(x, 8), x2 = load<u64>(x, 16), x3 = load<u64>(x, 24);
  if (fitsU64(b) && b0 < 31) {
    const idx = (b0 << 3) + 7; // sign bit
    const li = idx >> 6, bit = idx & 63;
    const xl = li == 0 ? x0 : li == 1 ? x1 : li == 2 ? x2 : x3;
    const fill = 0 - ((xl >>> bit) & 1);
    const keep = (<u64>2 << bit) - 1; // bits 0..bit (all ones when bit == 63)
    const ext = (xl & keep) | (fill & ~keep);
    store<u64>(r, li == 0 ? ext : x0);
    store<u64>(r, li == 1 ? ext : li < 1 ? fill : x1, 8);
    store<u64>(r, li == 2 ? ext : li < 2 ? fill : x2, 16);
    store<u64>(r, li == 3 ? ext : fill, 24);
  } else {
    store<u64>(r, x0);
    store<u64>(r, x1, 8);
    store<u64>(r, x2, 16);
    store<u64>(r, x3, 24);
  }
}

// ------------------------------------------------------------- comparison

/** a < b (unsigned): the borrow out of a - b. */
@inline export function lt(a: usize, b: usize): bool {
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16), b3 = load<u64>(b, 24);
  const w0 = <u64>(a0 < b0);
  const w1 = <u64>(a1 < b1) | <u64>(a1 - b1 < w0);
  const w2 = <u64>(a2 < b2) | <u64>(a2 - b2 < w1);
  return (<u64>(a3 < b3) | <u64>(a3 - b3 < w2)) != 0;
}

@inline export function gt(a: usize, b: usize): bool {
  return lt(b, a);
}

/** a < b as two's-complement: flipping both sign bits turns it into an unsigned compare. */
@inline export function slt(a: usize, b: usize): bool {
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16);
  const a3 = load<u64>(a, 24) ^ 0x8000000000000000;
  const b0 = load<u64>(b), b1 = load<u64>(b, 8), b2 = load<u64>(b, 16);
  const b3 = load<u64>(b, 24) ^ 0x8000000000000000;
  const w0 = <u64>(a0 < b0);
  const w1 = <u64>(a1 < b1) | <u64>(a1 - b1 < w0);
  const w2 = <u64>(a2 < b2) | <u64>(a2 - b2 < w1);
  return (<u64>(a3 < b3) | <u64>(a3 - b3 < w2)) != 0;
}

@inline export function sgt(a: usize, b: usize): bool {
  return slt(b, a);
}

@inline export function eq(a: usize, b: usize): bool {
  return ((load<u64>(a) ^ load<u64>(b)) | (load<u64>(a, 8) ^ load<u64>(b, 8)) |
          (load<u64>(a, 16) ^ load<u64>(b, 16)) | (load<u64>(a, 24) ^ load<u64>(b, 24))) == 0;
}

@inline export function iszero(a: usize): bool {
  return isZero(a);
}

// ---------------------------------------------------------------- bitwise

@inline export function and(a: usize, b: usize, r: usize): void {
  const x0 = load<u64>(a) & load<u64>(b), x1 = load<u64>(a, 8) & load<u64>(b, 8);
  const x2 = load<u64>(a, 16) & load<u64>(b, 16), x3 = load<u64>(a, 24) & load<u64>(b, 24);
  store<u64>(r, x0);
  store<u64>(r, x1, 8);
  store<u64>(r, x2, 16);
  store<u64>(r, x3, 24);
}

@inline export function or(a: usize, b: usize, r: usize): void {
  const x0 = load<u64>(a) | load<u64>(b), x1 = load<u64>(a, 8) | load<u64>(b, 8);
  const x2 = load<u64>(a, 16) | load<u64>(b, 16), x3 = load<u64>(a, 24) | load<u64>(b, 24);
  store<u64>(r, x0);
  store<u64>(r, x1, 8);
  store<u64>(r, x2, 16);
  store<u64>(r, x3, 24);
}

@inline export function xor(a: usize, b: usize, r: usize): void {
  const x0 = load<u64>(a) ^ load<u64>(b), x1 = load<u64>(a, 8) ^ load<u64>(b, 8);
  const x2 = load<u64>(a, 16) ^ load<u64>(b, 16), x3 = load<u64>(a, 24) ^ load<u64>(b, 24);
  store<u64>(r, x0);
  store<u64>(r, x1, 8);
  store<u64>(r, x2, 16);
  store<u64>(r, x3, 24);
}

@inline export function not(a: usize, r: usize): void {
  const x0 = ~load<u64>(a), x1 = ~load<u64>(a, 8), x2 = ~load<u64>(a, 16), x3 = ~load<u64>(a, 24);
  store<u64>(r, x0);
  store<u64>(r, x1, 8);
  store<u64>(r, x2, 16);
  store<u64>(r, x3, 24);
}

/** EVM BYTE: byte i of x counting from the most significant; i >= 32 gives 0. */
@inline export function byte(i: usize, x: usize, r: usize): void {
  const i0 = load<u64>(i);
  let v: u64 = 0;
  if (fitsU64(i) && i0 < 32) {
    const off = (31 - i0) << 3; // bit offset from the least significant end
    v = (load<u64>(x + <usize>((off >> 6) << 3)) >>> (off & 63)) & 0xff;
  }
  setU64(r, v);
}

/** r = value << shift (0 when shift >= 256). */
@inline export function shl(shift: usize, value: usize, r: usize): void {
  const s = load<u64>(shift);
  if (!fitsU64(shift) || s >= 256) {
    setZero(r);
    return;
  }
  const v0 = load<u64>(value), v1 = load<u64>(value, 8), v2 = load<u64>(value, 16), v3 = load<u64>(value, 24);
  const bs = s & 63;
  const w0 = v0 << bs;
  const w1 = (v1 << bs) | hiBits(v0, bs);
  const w2 = (v2 << bs) | hiBits(v1, bs);
  const w3 = (v3 << bs) | hiBits(v2, bs);
  const ls = s >> 6;
  if (ls == 0) {
    store<u64>(r, w0);
    store<u64>(r, w1, 8);
    store<u64>(r, w2, 16);
    store<u64>(r, w3, 24);
  } else if (ls == 1) {
    store<u64>(r, 0);
    store<u64>(r, w0, 8);
    store<u64>(r, w1, 16);
    store<u64>(r, w2, 24);
  } else if (ls == 2) {
    store<u64>(r, 0);
    store<u64>(r, 0, 8);
    store<u64>(r, w0, 16);
    store<u64>(r, w1, 24);
  } else {
    store<u64>(r, 0);
    store<u64>(r, 0, 8);
    store<u64>(r, 0, 16);
    store<u64>(r, w0, 24);
  }
}

/** r = value >>> shift, filling with `fill` (0 or all ones) from the top. */
@inline function shiftRight(s: u64, v0: u64, v1: u64, v2: u64, v3: u64, fill: u64, r: usize): void {
  const bs = s & 63;
  const w0 = (v0 >>> bs) | loBits(v1, bs);
  const w1 = (v1 >>> bs) | loBits(v2, bs);
  const w2 = (v2 >>> bs) | loBits(v3, bs);
  const w3 = (v3 >>> bs) | loBits(fill, bs);
  const ls = s >> 6;
  if (ls == 0) {
    store<u64>(r, w0);
    store<u64>(r, w1, 8);
    store<u64>(r, w2, 16);
    store<u64>(r, w3, 24);
  } else if (ls == 1) {
    store<u64>(r, w1);
    store<u64>(r, w2, 8);
    store<u64>(r, w3, 16);
    store<u64>(r, fill, 24);
  } else if (ls == 2) {
    store<u64>(r, w2);
    store<u64>(r, w3, 8);
    store<u64>(r, fill, 16);
    store<u64>(r, fill, 24);
  } else {
    store<u64>(r, w3);
    store<u64>(r, fill, 8);
    store<u64>(r, fill, 16);
    store<u64>(r, fill, 24);
  }
}

/** r = value >> shift, logical (0 when shift >= 256). */
@inline export function shr(shift: usize, value: usize, r: usize): void {
  const s = load<u64>(shift);
  if (!fitsU64(shift) || s >= 256) {
    setZero(r);
    return;
  }
  shiftRight(s, load<u64>(value), load<u64>(value, 8), load<u64>(value, 16), load<u64>(value, 24), 0, r);
}

/** r = value >> shift, arithmetic (all sign bits when shift >= 256). */
@inline export function sar(shift: usize, value: usize, r: usize): void {
  const s = load<u64>(shift);
  const v3 = load<u64>(value, 24);
  const fill = <u64>(<i64>v3 >> 63);
  if (!fitsU64(shift) || s >= 256) {
    store<u64>(r, fill);
    store<u64>(r, fill, 8);
    store<u64>(r, fill, 16);
    store<u64>(r, fill, 24);
    return;
  }
  shiftRight(s, load<u64>(value), load<u64>(value, 8), load<u64>(value, 16), v3, fill, r);
}

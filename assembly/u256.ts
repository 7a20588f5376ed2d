// 256-bit EVM words in linear memory: four little-endian u64 limbs at p
// (limb0, the least significant, at p+0 ... limb3 at p+24).
//
// Every function reads all of its inputs into locals (or scratch) before it
// stores, so the result pointer may alias any operand: the interpreter calls
// `op(top, second, second)` in place on the stack. Nothing here allocates;
// division, MULMOD and EXP use the static SCRATCH area below, so these
// functions are not re-entrant (a single-threaded WASM instance never needs it).

const M32: u64 = 0xffffffff;

// Scratch layout (byte offsets, 16-aligned):
//   U  9 limbs  dividend, normalised in place (one extra limb for the shift)
//   V  4 limbs  divisor, normalised in place
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

// Second result of udivrem2by1 (no multi-value returns).
let rem64: u64 = 0;

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
  const x0 = load<u64>(src), x1 = load<u64>(src, 8);
  const x2 = load<u64>(src, 16), x3 = load<u64>(src, 24);
  store<u64>(dst, x0);
  store<u64>(dst, x1, 8);
  store<u64>(dst, x2, 16);
  store<u64>(dst, x3, 24);
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

/** r = the big-endian bytes src[0..len) (len 0..32), zero-extended. Reads exactly those bytes. */
@inline export function loadBE(src: usize, len: usize, r: usize): void {
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
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  store<u64>(dst, bswap<u64>(a3), 0, 1);
  store<u64>(dst, bswap<u64>(a2), 8, 1);
  store<u64>(dst, bswap<u64>(a1), 16, 1);
  store<u64>(dst, bswap<u64>(a0), 24, 1);
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

/** U[0..8) = the full 512-bit product a * b. */
function mulFull(a: usize, b: usize): void {
  const a0 = load<u64>(a), a1 = load<u64>(a, 8), a2 = load<u64>(a, 16), a3 = load<u64>(a, 24);
  for (let k = 0; k < 8; k++) setLimb(U, k, 0);
  for (let i = 0; i < 4; i++) {
    const bi = limb(b, i);
    if (bi == 0) continue;
    let carry: u64 = 0;
    for (let j = 0; j < 4; j++) {
      const aj = j == 0 ? a0 : j == 1 ? a1 : j == 2 ? a2 : a3;
      let lo = aj * bi;
      let hi = umulh(aj, bi);
      const p = limb(U, i + j);
      lo += p;
      hi += <u64>(lo < p);
      lo += carry;
      hi += <u64>(lo < carry);
      setLimb(U, i + j, lo);
      carry = hi;
    }
    setLimb(U, i + 4, carry);
  }
}

// --------------------------------------------------------------- division

/**
 * floor((u1 * 2^64 + u0) / d) for normalised d (top bit set) and u1 < d, from
 * 64-bit divisions on 32-bit halves (schoolbook with the usual estimate
 * correction). Used once per division, to build the reciprocal.
 */
function div128Norm(u1: u64, u0: u64, d: u64): u64 {
  const dh = d >>> 32, dl = d & M32;
  const un1 = u0 >>> 32, un0 = u0 & M32;
  let q1 = u1 / dh;
  let rhat = u1 - q1 * dh;
  while (q1 > M32 || q1 * dl > ((rhat << 32) | un1)) {
    q1 -= 1;
    rhat += dh;
    if (rhat > M32) break;
  }
  const un21 = (u1 << 32) + un1 - q1 * d; // true value < d, so wrapping is exact
  let q0 = un21 / dh;
  rhat = un21 - q0 * dh;
  while (q0 > M32 || q0 * dl > ((rhat << 32) | un0)) {
    q0 -= 1;
    rhat += dh;
    if (rhat > M32) break;
  }
  return (q1 << 32) | q0;
}

/** floor((2^128 - 1) / d) - 2^64 for normalised d. */
@inline function reciprocal(d: u64): u64 {
  return div128Norm(~d, ~(<u64>0), d);
}

/**
 * (u1 * 2^64 + u0) / d with u1 < d, d normalised, v = reciprocal(d):
 * Möller & Granlund, "Improved division by invariant integers" (2011), Alg. 4.
 * Returns the quotient; the remainder goes to rem64.
 */
@inline function udivrem2by1(u1: u64, u0: u64, d: u64, v: u64): u64 {
  const p0 = v * u1;
  const p1 = umulh(v, u1);
  const q0 = p0 + u0;
  let q1 = p1 + u1 + 1 + <u64>(q0 < u0);
  let r = u0 - q1 * d;
  if (r > q0) {
    q1 -= 1;
    r += d;
  }
  if (r >= d) {
    q1 += 1;
    r -= d;
  }
  rem64 = r;
  return q1;
}

/** Dividend U[0..m) by the one-limb divisor d != 0. */
function udivrem1(m: i32, d: u64): void {
  const s = i64.clz(d);
  const dn = d << s;
  const v = reciprocal(dn);
  let r = hiBits(limb(U, m - 1), s);
  for (let i = m - 1; i >= 0; i--) {
    const lo = i > 0 ? hiBits(limb(U, i - 1), s) : 0;
    const q = udivrem2by1(r, (limb(U, i) << s) | lo, dn, v);
    r = rem64;
    setLimb(Q, i, q);
  }
  store<u64>(R, r >>> s);
  store<u64>(R, 0, 8);
  store<u64>(R, 0, 16);
  store<u64>(R, 0, 24);
}

/** Knuth, TAOCP vol. 2, 4.3.1 Algorithm D: U[0..m) by V[0..n), 2 <= n <= m, V[n-1] != 0. */
function udivremN(m: i32, n: i32): void {
  const s = i64.clz(limb(V, n - 1));
  // Normalise in place, top limb first so every source limb is read before it is overwritten.
  for (let i = n - 1; i > 0; i--) setLimb(V, i, (limb(V, i) << s) | hiBits(limb(V, i - 1), s));
  store<u64>(V, load<u64>(V) << s);
  setLimb(U, m, hiBits(limb(U, m - 1), s));
  for (let i = m - 1; i > 0; i--) setLimb(U, i, (limb(U, i) << s) | hiBits(limb(U, i - 1), s));
  store<u64>(U, load<u64>(U) << s);

  const d1 = limb(V, n - 1), d0 = limb(V, n - 2);
  const v = reciprocal(d1);
  for (let j = m - n; j >= 0; j--) {
    const u2 = limb(U, j + n), u1 = limb(U, j + n - 1), u0 = limb(U, j + n - 2);
    let qhat: u64, rhat: u64;
    let check = true;
    if (u2 >= d1) {
      // u2 == d1: the estimate is 2^64 - 1 and rhat = u1 + d1 (may overflow: then no correction)
      qhat = ~(<u64>0);
      rhat = u1 + d1;
      check = rhat >= d1;
    } else {
      qhat = udivrem2by1(u2, u1, d1, v);
      rhat = rem64;
    }
    if (check) {
      // qhat * d0 > rhat * 2^64 + u0 means qhat is too large (at most two steps)
      let plo = qhat * d0;
      let phi = umulh(qhat, d0);
      if (phi > rhat || (phi == rhat && plo > u0)) {
        qhat -= 1;
        rhat += d1;
        if (rhat >= d1) {
          phi -= <u64>(plo < d0);
          plo -= d0;
          if (phi > rhat || (phi == rhat && plo > u0)) qhat -= 1;
        }
      }
    }
    // U[j..j+n] -= qhat * V
    let k: u64 = 0, bw: u64 = 0;
    for (let i = 0; i < n; i++) {
      const vi = limb(V, i);
      let plo = qhat * vi;
      let phi = umulh(qhat, vi);
      plo += k;
      phi += <u64>(plo < k);
      const t = limb(U, i + j);
      const d = t - plo;
      const d2 = d - bw;
      bw = <u64>(t < plo) | <u64>(d < bw);
      setLimb(U, i + j, d2);
      k = phi;
    }
    const t = limb(U, j + n);
    const d = t - k;
    setLimb(U, j + n, d - bw);
    if ((<u64>(t < k) | <u64>(d < bw)) != 0) {
      // Rare (probability about 2^-63): qhat was one too large; add V back.
      qhat -= 1;
      let c: u64 = 0;
      for (let i = 0; i < n; i++) {
        const vi = limb(V, i);
        const x = limb(U, i + j) + vi;
        const y = x + c;
        c = <u64>(x < vi) | <u64>(y < c);
        setLimb(U, i + j, y);
      }
      setLimb(U, j + n, limb(U, j + n) + c);
    }
    setLimb(Q, j, qhat);
  }
  // Remainder is U[0..n) (U[n] is now zero), shifted back.
  for (let i = 0; i < n; i++) setLimb(R, i, (limb(U, i) >>> s) | loBits(limb(U, i + 1), s));
  for (let i = n; i < 4; i++) setLimb(R, i, 0);
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
  if (n == 1) udivrem1(m, load<u64>(V));
  else udivremN(m, n);
}

/** Loads a into U[0..4) and b into V[0..4). */
@inline function loadDivOperands(a: usize, b: usize): void {
  copy(a, U);
  copy(b, V);
}

/** r = a / b (0 if b == 0). */
export function div(a: usize, b: usize, r: usize): void {
  const b0 = load<u64>(b), bh = load<u64>(b, 8) | load<u64>(b, 16) | load<u64>(b, 24);
  if ((bh | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) == 0) {
    setU64(r, b0 != 0 ? load<u64>(a) / b0 : 0);
    return;
  }
  if ((b0 | bh) == 0) {
    setZero(r);
    return;
  }
  loadDivOperands(a, b);
  udivrem(4);
  copy(Q, r);
}

/** r = a % b (0 if b == 0). */
export function mod(a: usize, b: usize, r: usize): void {
  const b0 = load<u64>(b), bh = load<u64>(b, 8) | load<u64>(b, 16) | load<u64>(b, 24);
  if ((bh | load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24)) == 0) {
    setU64(r, b0 != 0 ? load<u64>(a) % b0 : 0);
    return;
  }
  if ((b0 | bh) == 0) {
    setZero(r);
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

/** r = (a * b) % n on the exact 512-bit product; n == 0 gives 0. */
export function mulmod(a: usize, b: usize, n: usize, r: usize): void {
  if (isZero(n)) {
    setZero(r);
    return;
  }
  if ((load<u64>(a, 8) | load<u64>(a, 16) | load<u64>(a, 24) |
       load<u64>(b, 8) | load<u64>(b, 16) | load<u64>(b, 24) |
       load<u64>(n, 8) | load<u64>(n, 16) | load<u64>(n, 24)) == 0) {
    const x = load<u64>(a), y = load<u64>(b);
    if (umulh(x, y) == 0) {
      setU64(r, (x * y) % load<u64>(n));
      return;
    }
  }
  mulFull(a, b);
  copy(n, V);
  udivrem(8);
  copy(R, r);
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
    mul(T1, T1, T1);
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

// 0x09 BLAKE2 F compression function (EIP-152, RFC 7693 section 3.2).
// Input, exactly 213 bytes: rounds (4 bytes big-endian), h (8 x u64), m (16 x u64),
// t (2 x u64), all little-endian, then the final-block flag (0 or 1).
// Output: the new h (64 bytes, little-endian). Gas: one per round.
import type { Precompile } from './index.js';

const INPUT_LENGTH = 213;

// BLAKE2b initialisation vector (RFC 7693 section 2.6), as [lo, hi] u32 halves.
const IV = new Uint32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

// Message word schedule (RFC 7693 section 2.7); round r uses row r mod 10.
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
].map((row) => Uint8Array.from(row));

/**
 * The mixing function G on u64 words held as u32 pairs: v[2i] is the low half
 * of word i, v[2i+1] the high half. x and y index message words in m likewise.
 */
function mix(v: Uint32Array, a: number, b: number, c: number, d: number, m: Uint32Array, x: number, y: number): void {
  let alo = v[2 * a], ahi = v[2 * a + 1];
  let blo = v[2 * b], bhi = v[2 * b + 1];
  let clo = v[2 * c], chi = v[2 * c + 1];
  let dlo = v[2 * d], dhi = v[2 * d + 1];
  let lo: number, t: number;

  // a = a + b + m[x]
  lo = (alo + blo) >>> 0;
  ahi = (ahi + bhi + (lo < alo ? 1 : 0)) >>> 0;
  alo = lo;
  lo = (alo + m[2 * x]) >>> 0;
  ahi = (ahi + m[2 * x + 1] + (lo < alo ? 1 : 0)) >>> 0;
  alo = lo;
  // d = (d ^ a) >>> 32
  t = dlo ^ alo;
  dlo = dhi ^ ahi;
  dhi = t;
  // c = c + d
  lo = (clo + dlo) >>> 0;
  chi = (chi + dhi + (lo < clo ? 1 : 0)) >>> 0;
  clo = lo;
  // b = (b ^ c) >>> 24
  blo ^= clo;
  bhi ^= chi;
  t = ((blo >>> 24) | (bhi << 8)) >>> 0;
  bhi = ((bhi >>> 24) | (blo << 8)) >>> 0;
  blo = t;
  // a = a + b + m[y]
  lo = (alo + blo) >>> 0;
  ahi = (ahi + bhi + (lo < alo ? 1 : 0)) >>> 0;
  alo = lo;
  lo = (alo + m[2 * y]) >>> 0;
  ahi = (ahi + m[2 * y + 1] + (lo < alo ? 1 : 0)) >>> 0;
  alo = lo;
  // d = (d ^ a) >>> 16
  dlo ^= alo;
  dhi ^= ahi;
  t = ((dlo >>> 16) | (dhi << 16)) >>> 0;
  dhi = ((dhi >>> 16) | (dlo << 16)) >>> 0;
  dlo = t;
  // c = c + d
  lo = (clo + dlo) >>> 0;
  chi = (chi + dhi + (lo < clo ? 1 : 0)) >>> 0;
  clo = lo;
  // b = (b ^ c) >>> 63, i.e. rotate left by 1
  blo ^= clo;
  bhi ^= chi;
  t = ((blo << 1) | (bhi >>> 31)) >>> 0;
  bhi = ((bhi << 1) | (blo >>> 31)) >>> 0;
  blo = t;

  v[2 * a] = alo; v[2 * a + 1] = ahi;
  v[2 * b] = blo; v[2 * b + 1] = bhi;
  v[2 * c] = clo; v[2 * c + 1] = chi;
  v[2 * d] = dlo; v[2 * d + 1] = dhi;
}

/** F(h, m, t, f) with `rounds` rounds; h is updated in place. All arrays are u32 halves. */
export function blake2bCompress(rounds: number, h: Uint32Array, m: Uint32Array, t: Uint32Array, final: boolean): void {
  const v = new Uint32Array(32);
  v.set(h, 0);
  v.set(IV, 16);
  v[24] ^= t[0]; // v12 ^= t0
  v[25] ^= t[1];
  v[26] ^= t[2]; // v13 ^= t1
  v[27] ^= t[3];
  if (final) {
    v[28] = ~v[28] >>> 0; // v14 = ~v14
    v[29] = ~v[29] >>> 0;
  }
  for (let r = 0; r < rounds; r++) {
    const s = SIGMA[r % 10];
    mix(v, 0, 4, 8, 12, m, s[0], s[1]);
    mix(v, 1, 5, 9, 13, m, s[2], s[3]);
    mix(v, 2, 6, 10, 14, m, s[4], s[5]);
    mix(v, 3, 7, 11, 15, m, s[6], s[7]);
    mix(v, 0, 5, 10, 15, m, s[8], s[9]);
    mix(v, 1, 6, 11, 12, m, s[10], s[11]);
    mix(v, 2, 7, 8, 13, m, s[12], s[13]);
    mix(v, 3, 4, 9, 14, m, s[14], s[15]);
  }
  for (let i = 0; i < 16; i++) h[i] = (h[i] ^ v[i] ^ v[i + 16]) >>> 0;
}

/** Little-endian u32 halves of `count` u64 words at `offset`. */
function readWords(input: Uint8Array, offset: number, count: number): Uint32Array {
  const out = new Uint32Array(2 * count);
  const view = new DataView(input.buffer, input.byteOffset + offset, 8 * count);
  for (let i = 0; i < 2 * count; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

export const blake2f: Precompile = {
  name: 'BLAKE2F',
  gas(input) {
    // Malformed input fails in run(); like geth, price it at 0 so only run() decides.
    if (input.length !== INPUT_LENGTH) return 0n;
    return BigInt(new DataView(input.buffer, input.byteOffset, 4).getUint32(0, false));
  },
  run(input) {
    if (input.length !== INPUT_LENGTH) return null;
    const flag = input[212];
    if (flag !== 0 && flag !== 1) return null;
    const rounds = new DataView(input.buffer, input.byteOffset, 4).getUint32(0, false);
    const h = readWords(input, 4, 8);
    const m = readWords(input, 68, 16);
    const t = readWords(input, 196, 2);
    blake2bCompress(rounds, h, m, t, flag === 1);
    const out = new Uint8Array(64);
    const view = new DataView(out.buffer);
    for (let i = 0; i < 16; i++) view.setUint32(4 * i, h[i], true);
    return out;
  },
};

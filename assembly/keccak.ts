// Keccak-256 as Ethereum uses it: the original Keccak submission's padding
// (domain byte 0x01), not FIPS 202 SHA3-256 (0x06). Rate 136 bytes, capacity 512.
//
// The 25-lane state lives in locals and the permutation is unrolled two rounds per
// loop step (state a -> e -> a), so nothing touches linear memory but the input, the
// output, the round constants and, for the final block, a static padding buffer.
//
// Lane complementing (Bertoni, Daemen, Peeters, Van Assche, "Keccak implementation
// overview", v3.2, 2012, sec. 2.2): lanes 1, 2, 8, 12, 17 and 20 are held complemented.
// Theta, rho, pi and iota carry that pattern through unchanged, and chi's
// b0 ^ (~b1 & b2) then becomes, lane by lane, b0 ^ (b1 | b2), b0 ^ (b1 & b2) or a form
// with one NOT shared by the row: 5 NOTs per round instead of 25 (WASM has no and-not).
//
// WASM is little-endian, which is Keccak's lane byte order, so blocks are absorbed
// with plain (unaligned) u64 loads and the digest is stored the same way.

/** Bytes absorbed per permutation (1600 - 2 * 256 bits). */
const RATE: usize = 136;

// Iota round constants, Keccak-f[1600] rounds 0..23.
const RC: usize = memory.data<u64>([
  0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
  0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
  0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
  0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
  0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
  0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
], 8);

// The final, padded block is assembled here (input tail, 0x01, zeros, 0x80).
const PAD: usize = memory.data(<i32>RATE, 8);

/**
 * Writes the 32-byte Keccak-256 digest of `len` bytes at `input` to `out`.
 * `out` may overlap the input: it is written only after the last block is read.
 */
export function keccak256(input: usize, len: usize, out: usize): void {
  // Lanes 1, 2, 8, 12, 17 and 20 are held complemented (see the top): zero is all ones.
  let a0: u64 = 0, a1: u64 = ~0, a2: u64 = ~0, a3: u64 = 0, a4: u64 = 0;
  let a5: u64 = 0, a6: u64 = 0, a7: u64 = 0, a8: u64 = ~0, a9: u64 = 0;
  let a10: u64 = 0, a11: u64 = 0, a12: u64 = ~0, a13: u64 = 0, a14: u64 = 0;
  let a15: u64 = 0, a16: u64 = 0, a17: u64 = ~0, a18: u64 = 0, a19: u64 = 0;
  let a20: u64 = ~0, a21: u64 = 0, a22: u64 = 0, a23: u64 = 0, a24: u64 = 0;
  let e0: u64, e1: u64, e2: u64, e3: u64, e4: u64;
  let e5: u64, e6: u64, e7: u64, e8: u64, e9: u64;
  let e10: u64, e11: u64, e12: u64, e13: u64, e14: u64;
  let e15: u64, e16: u64, e17: u64, e18: u64, e19: u64;
  let e20: u64, e21: u64, e22: u64, e23: u64, e24: u64;
  let c0: u64, c1: u64, c2: u64, c3: u64, c4: u64;
  let d0: u64, d1: u64, d2: u64, d3: u64, d4: u64;
  let b0: u64, b1: u64, b2: u64, b3: u64, b4: u64;

  let p = input;
  let rem = len;
  let last = false;
  while (true) {
    if (rem < RATE) {
      // Fewer than RATE bytes left (possibly none): build the final block with word
      // stores: memory.copy and memory.fill are calls out of V8's compiled code, which cost
      // more than these few stores.
      let k: usize = 0;
      for (; k + 8 <= rem; k += 8) store<u64>(PAD + k, load<u64>(p + k));
      // The partial word: the last rem % 8 bytes, then the domain byte 0x01.
      let w: u64 = 0x01;
      for (let i = rem; i > k; i--) w = (w << 8) | <u64>load<u8>(p + i - 1);
      store<u64>(PAD + k, w);
      for (k += 8; k < RATE; k += 8) store<u64>(PAD + k, 0);
      store<u8>(PAD + RATE - 1, load<u8>(PAD + RATE - 1) | 0x80);
      p = PAD;
      last = true;
    }
    a0 ^= load<u64>(p, 0);    a1 ^= load<u64>(p, 8);    a2 ^= load<u64>(p, 16);
    a3 ^= load<u64>(p, 24);   a4 ^= load<u64>(p, 32);   a5 ^= load<u64>(p, 40);
    a6 ^= load<u64>(p, 48);   a7 ^= load<u64>(p, 56);   a8 ^= load<u64>(p, 64);
    a9 ^= load<u64>(p, 72);   a10 ^= load<u64>(p, 80);  a11 ^= load<u64>(p, 88);
    a12 ^= load<u64>(p, 96);  a13 ^= load<u64>(p, 104); a14 ^= load<u64>(p, 112);
    a15 ^= load<u64>(p, 120); a16 ^= load<u64>(p, 128);

    // Keccak-f[1600]: 24 rounds of theta, rho+pi (into b), chi (lane-complemented), iota.
    for (let rc = RC, end = RC + 24 * 8; rc < end; rc += 16) {
      // first round: a -> e
      c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
      c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
      c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
      c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
      c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
      d0 = c4 ^ rotl<u64>(c1, 1);
      d1 = c0 ^ rotl<u64>(c2, 1);
      d2 = c1 ^ rotl<u64>(c3, 1);
      d3 = c2 ^ rotl<u64>(c4, 1);
      d4 = c3 ^ rotl<u64>(c0, 1);
      b0 = a0 ^ d0;
      b1 = rotl<u64>(a6 ^ d1, 44);
      b2 = rotl<u64>(a12 ^ d2, 43);
      b3 = rotl<u64>(a18 ^ d3, 21);
      b4 = rotl<u64>(a24 ^ d4, 14);
      e0 = b0 ^ (b1 | b2) ^ load<u64>(rc, 0);
      e1 = b1 ^ (~b2 | b3);
      e2 = b2 ^ (b3 & b4);
      e3 = b3 ^ (b4 | b0);
      e4 = b4 ^ (b0 & b1);
      b0 = rotl<u64>(a3 ^ d3, 28);
      b1 = rotl<u64>(a9 ^ d4, 20);
      b2 = rotl<u64>(a10 ^ d0, 3);
      b3 = rotl<u64>(a16 ^ d1, 45);
      b4 = rotl<u64>(a22 ^ d2, 61);
      e5 = b0 ^ (b1 | b2);
      e6 = b1 ^ (b2 & b3);
      e7 = b2 ^ (b3 | ~b4);
      e8 = b3 ^ (b4 | b0);
      e9 = b4 ^ (b0 & b1);
      b0 = rotl<u64>(a1 ^ d1, 1);
      b1 = rotl<u64>(a7 ^ d2, 6);
      b2 = rotl<u64>(a13 ^ d3, 25);
      b3 = rotl<u64>(a19 ^ d4, 8);
      b4 = rotl<u64>(a20 ^ d0, 18);
      e10 = b0 ^ (b1 | b2);
      e11 = b1 ^ (b2 & b3);
      b3 = ~b3;
      e12 = b2 ^ (b3 & b4);
      e13 = b3 ^ (b4 | b0);
      e14 = b4 ^ (b0 & b1);
      b0 = rotl<u64>(a4 ^ d4, 27);
      b1 = rotl<u64>(a5 ^ d0, 36);
      b2 = rotl<u64>(a11 ^ d1, 10);
      b3 = rotl<u64>(a17 ^ d2, 15);
      b4 = rotl<u64>(a23 ^ d3, 56);
      e15 = b0 ^ (b1 & b2);
      e16 = b1 ^ (b2 | b3);
      b3 = ~b3;
      e17 = b2 ^ (b3 | b4);
      e18 = b3 ^ (b4 & b0);
      e19 = b4 ^ (b0 | b1);
      b0 = rotl<u64>(a2 ^ d2, 62);
      b1 = rotl<u64>(a8 ^ d3, 55);
      b2 = rotl<u64>(a14 ^ d4, 39);
      b3 = rotl<u64>(a15 ^ d0, 41);
      b4 = rotl<u64>(a21 ^ d1, 2);
      e24 = b4 ^ (b0 & b1);
      b1 = ~b1;
      e20 = b0 ^ (b1 & b2);
      e21 = b1 ^ (b2 | b3);
      e22 = b2 ^ (b3 & b4);
      e23 = b3 ^ (b4 | b0);
      // second round: e -> a
      c0 = e0 ^ e5 ^ e10 ^ e15 ^ e20;
      c1 = e1 ^ e6 ^ e11 ^ e16 ^ e21;
      c2 = e2 ^ e7 ^ e12 ^ e17 ^ e22;
      c3 = e3 ^ e8 ^ e13 ^ e18 ^ e23;
      c4 = e4 ^ e9 ^ e14 ^ e19 ^ e24;
      d0 = c4 ^ rotl<u64>(c1, 1);
      d1 = c0 ^ rotl<u64>(c2, 1);
      d2 = c1 ^ rotl<u64>(c3, 1);
      d3 = c2 ^ rotl<u64>(c4, 1);
      d4 = c3 ^ rotl<u64>(c0, 1);
      b0 = e0 ^ d0;
      b1 = rotl<u64>(e6 ^ d1, 44);
      b2 = rotl<u64>(e12 ^ d2, 43);
      b3 = rotl<u64>(e18 ^ d3, 21);
      b4 = rotl<u64>(e24 ^ d4, 14);
      a0 = b0 ^ (b1 | b2) ^ load<u64>(rc, 8);
      a1 = b1 ^ (~b2 | b3);
      a2 = b2 ^ (b3 & b4);
      a3 = b3 ^ (b4 | b0);
      a4 = b4 ^ (b0 & b1);
      b0 = rotl<u64>(e3 ^ d3, 28);
      b1 = rotl<u64>(e9 ^ d4, 20);
      b2 = rotl<u64>(e10 ^ d0, 3);
      b3 = rotl<u64>(e16 ^ d1, 45);
      b4 = rotl<u64>(e22 ^ d2, 61);
      a5 = b0 ^ (b1 | b2);
      a6 = b1 ^ (b2 & b3);
      a7 = b2 ^ (b3 | ~b4);
      a8 = b3 ^ (b4 | b0);
      a9 = b4 ^ (b0 & b1);
      b0 = rotl<u64>(e1 ^ d1, 1);
      b1 = rotl<u64>(e7 ^ d2, 6);
      b2 = rotl<u64>(e13 ^ d3, 25);
      b3 = rotl<u64>(e19 ^ d4, 8);
      b4 = rotl<u64>(e20 ^ d0, 18);
      a10 = b0 ^ (b1 | b2);
      a11 = b1 ^ (b2 & b3);
      b3 = ~b3;
      a12 = b2 ^ (b3 & b4);
      a13 = b3 ^ (b4 | b0);
      a14 = b4 ^ (b0 & b1);
      b0 = rotl<u64>(e4 ^ d4, 27);
      b1 = rotl<u64>(e5 ^ d0, 36);
      b2 = rotl<u64>(e11 ^ d1, 10);
      b3 = rotl<u64>(e17 ^ d2, 15);
      b4 = rotl<u64>(e23 ^ d3, 56);
      a15 = b0 ^ (b1 & b2);
      a16 = b1 ^ (b2 | b3);
      b3 = ~b3;
      a17 = b2 ^ (b3 | b4);
      a18 = b3 ^ (b4 & b0);
      a19 = b4 ^ (b0 | b1);
      b0 = rotl<u64>(e2 ^ d2, 62);
      b1 = rotl<u64>(e8 ^ d3, 55);
      b2 = rotl<u64>(e14 ^ d4, 39);
      b3 = rotl<u64>(e15 ^ d0, 41);
      b4 = rotl<u64>(e21 ^ d1, 2);
      a24 = b4 ^ (b0 & b1);
      b1 = ~b1;
      a20 = b0 ^ (b1 & b2);
      a21 = b1 ^ (b2 | b3);
      a22 = b2 ^ (b3 & b4);
      a23 = b3 ^ (b4 | b0);
    }

    if (last) break;
    p += RATE;
    rem -= RATE;
  }

  store<u64>(out, a0, 0);
  store<u64>(out, ~a1, 8); // lanes 1 and 2 are held complemented
  store<u64>(out, ~a2, 16);
  store<u64>(out, a3, 24);
}

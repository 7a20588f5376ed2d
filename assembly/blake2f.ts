// BLAKE2b compression function F as precompile 0x09 (EIP-152; RFC 7693 section 3.2).
//
// Input, exactly 213 bytes: rounds (u32 big-endian), h (8 x u64), m (16 x u64),
// t (2 x u64), all little-endian, then the final-block flag (0 or 1).
// Output: the new h, 64 bytes little-endian. Gas: one per round (up to 2^32 - 1).
//
// The working vector v and the message m live in u64 locals. The ten rounds of
// one message schedule cycle are unrolled, each naming its sigma row's message
// words (RFC 7693 section 2.7: round r uses row r mod 10), so a round touches no
// memory. Rounds run in chunks of separate calls: V8 replaces baseline (Liftoff)
// code by optimised code only on a function's next call, and one call may ask for
// 2^32 - 1 rounds (about 8x slower in Liftoff).

const INPUT_LEN: u32 = 213;
const H_OFF: usize = 4; // h in the input (after the round count)
const M_OFF: usize = 68; // m
const T_OFF: usize = 196; // t
const F_OFF: usize = 212; // final-block flag

// Initialisation vector (RFC 7693 section 2.6).
const IV: usize = memory.data<u64>([
  0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
  0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
], 8);

// The working vector v between chunks of rounds.
const V: usize = memory.data(16 * 8, 16);
/** Rounds per call of compressRounds (about 50 us): a multiple of 10, so every chunk starts at sigma row 0. */
const CHUNK: u32 = 4000;

/** Where runPrecompile has F write its output (the caller copies it out at once). */
export const BLAKE2F_OUT: usize = memory.data(64, 16);

/** Gas of the call (the round count) if `len` bytes at `input` are a valid F input, else -1. */
export function blake2fGas(input: usize, len: u32): i64 {
  if (len != INPUT_LEN) return -1;
  if (load<u8>(input + F_OFF) > 1) return -1;
  return <i64>bswap<u32>(load<u32>(input));
}

/** Validates, runs F into the 64 bytes at `out` and returns its gas; -1 (nothing written) if the input is invalid. */
export function blake2fPrecompile(input: usize, len: u32, out: usize): i64 {
  const gas = blake2fGas(input, len);
  if (gas >= 0) blake2fRun(input, out);
  return gas;
}

/**
 * F on a valid 213-byte input: writes the new h (64 bytes) to `out`, which may
 * overlap the input (it is written after the input was read).
 */
export function blake2fRun(input: usize, out: usize): void {
  const h = input + H_OFF;
  for (let i: usize = 0; i < 64; i += 8) {
    store<u64>(V + i, load<u64>(h + i));
    store<u64>(V + 64 + i, load<u64>(IV + i));
  }
  store<u64>(V, load<u64>(V, 96) ^ load<u64>(input + T_OFF), 96); // v12 ^= t0
  store<u64>(V, load<u64>(V, 104) ^ load<u64>(input + T_OFF, 8), 104); // v13 ^= t1
  if (load<u8>(input + F_OFF)) store<u64>(V, ~load<u64>(V, 112), 112); // v14 = ~v14

  let left = bswap<u32>(load<u32>(input));
  while (left) {
    const n = left < CHUNK ? left : CHUNK;
    compressRounds(input + M_OFF, n);
    left -= n;
  }

  for (let i: usize = 0; i < 64; i += 8) {
    store<u64>(out + i, load<u64>(h + i) ^ load<u64>(V + i) ^ load<u64>(V + 64 + i));
  }
}

/** Runs rounds 0 .. n - 1 (n > 0) on V with the 16 message words at `m`. */
function compressRounds(m: usize, n: u32): void {
  const m0 = load<u64>(m, 0), m1 = load<u64>(m, 8), m2 = load<u64>(m, 16), m3 = load<u64>(m, 24);
  const m4 = load<u64>(m, 32), m5 = load<u64>(m, 40), m6 = load<u64>(m, 48), m7 = load<u64>(m, 56);
  const m8 = load<u64>(m, 64), m9 = load<u64>(m, 72), m10 = load<u64>(m, 80), m11 = load<u64>(m, 88);
  const m12 = load<u64>(m, 96), m13 = load<u64>(m, 104), m14 = load<u64>(m, 112), m15 = load<u64>(m, 120);
  let v0 = load<u64>(V, 0), v1 = load<u64>(V, 8), v2 = load<u64>(V, 16), v3 = load<u64>(V, 24);
  let v4 = load<u64>(V, 32), v5 = load<u64>(V, 40), v6 = load<u64>(V, 48), v7 = load<u64>(V, 56);
  let v8 = load<u64>(V, 64), v9 = load<u64>(V, 72), v10 = load<u64>(V, 80), v11 = load<u64>(V, 88);
  let v12 = load<u64>(V, 96), v13 = load<u64>(V, 104), v14 = load<u64>(V, 112), v15 = load<u64>(V, 120);
  // Each round: G(a, b, c, d, x, y) of RFC 7693 section 3.1 on the four columns
  // (v0 v4 v8 v12 ... v3 v7 v11 v15), then the four diagonals (v0 v5 v10 v15,
  // v1 v6 v11 v12, v2 v7 v8 v13, v3 v4 v9 v14); x, y are message words
  // sigma[r][2i], sigma[r][2i + 1] for the i-th G.
  do {
    // Round 0: sigma row 0 = 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
    v0 += v4 + m0; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m1; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m2; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m3; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m4; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m5; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m6; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m7; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m8; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m9; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m10; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m11; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m12; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m13; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m14; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m15; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 1: sigma row 1 = 14 10 4 8 9 15 13 6 1 12 0 2 11 7 5 3
    v0 += v4 + m14; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m10; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m4; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m8; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m9; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m15; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m13; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m6; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m1; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m12; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m0; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m2; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m11; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m7; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m5; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m3; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 2: sigma row 2 = 11 8 12 0 5 2 15 13 10 14 3 6 7 1 9 4
    v0 += v4 + m11; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m8; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m12; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m0; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m5; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m2; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m15; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m13; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m10; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m14; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m3; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m6; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m7; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m1; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m9; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m4; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 3: sigma row 3 = 7 9 3 1 13 12 11 14 2 6 5 10 4 0 15 8
    v0 += v4 + m7; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m9; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m3; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m1; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m13; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m12; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m11; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m14; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m2; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m6; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m5; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m10; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m4; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m0; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m15; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m8; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 4: sigma row 4 = 9 0 5 7 2 4 10 15 14 1 11 12 6 8 3 13
    v0 += v4 + m9; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m0; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m5; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m7; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m2; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m4; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m10; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m15; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m14; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m1; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m11; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m12; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m6; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m8; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m3; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m13; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 5: sigma row 5 = 2 12 6 10 0 11 8 3 4 13 7 5 15 14 1 9
    v0 += v4 + m2; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m12; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m6; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m10; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m0; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m11; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m8; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m3; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m4; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m13; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m7; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m5; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m15; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m14; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m1; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m9; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 6: sigma row 6 = 12 5 1 15 14 13 4 10 0 7 6 3 9 2 8 11
    v0 += v4 + m12; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m5; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m1; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m15; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m14; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m13; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m4; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m10; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m0; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m7; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m6; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m3; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m9; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m2; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m8; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m11; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 7: sigma row 7 = 13 11 7 14 12 1 3 9 5 0 15 4 8 6 2 10
    v0 += v4 + m13; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m11; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m7; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m14; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m12; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m1; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m3; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m9; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m5; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m0; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m15; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m4; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m8; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m6; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m2; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m10; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 8: sigma row 8 = 6 15 14 9 11 3 0 8 12 2 13 7 1 4 10 5
    v0 += v4 + m6; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m15; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m14; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m9; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m11; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m3; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m0; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m8; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m12; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m2; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m13; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m7; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m1; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m4; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m10; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m5; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
    if (--n == 0) break;
    // Round 9: sigma row 9 = 10 2 8 4 7 6 1 5 15 11 9 14 3 12 13 0
    v0 += v4 + m10; v12 = rotr<u64>(v12 ^ v0, 32);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 24);
    v0 += v4 + m2; v12 = rotr<u64>(v12 ^ v0, 16);
    v8 += v12; v4 = rotr<u64>(v4 ^ v8, 63);
    v1 += v5 + m8; v13 = rotr<u64>(v13 ^ v1, 32);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 24);
    v1 += v5 + m4; v13 = rotr<u64>(v13 ^ v1, 16);
    v9 += v13; v5 = rotr<u64>(v5 ^ v9, 63);
    v2 += v6 + m7; v14 = rotr<u64>(v14 ^ v2, 32);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 24);
    v2 += v6 + m6; v14 = rotr<u64>(v14 ^ v2, 16);
    v10 += v14; v6 = rotr<u64>(v6 ^ v10, 63);
    v3 += v7 + m1; v15 = rotr<u64>(v15 ^ v3, 32);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 24);
    v3 += v7 + m5; v15 = rotr<u64>(v15 ^ v3, 16);
    v11 += v15; v7 = rotr<u64>(v7 ^ v11, 63);
    v0 += v5 + m15; v15 = rotr<u64>(v15 ^ v0, 32);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 24);
    v0 += v5 + m11; v15 = rotr<u64>(v15 ^ v0, 16);
    v10 += v15; v5 = rotr<u64>(v5 ^ v10, 63);
    v1 += v6 + m9; v12 = rotr<u64>(v12 ^ v1, 32);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 24);
    v1 += v6 + m14; v12 = rotr<u64>(v12 ^ v1, 16);
    v11 += v12; v6 = rotr<u64>(v6 ^ v11, 63);
    v2 += v7 + m3; v13 = rotr<u64>(v13 ^ v2, 32);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 24);
    v2 += v7 + m12; v13 = rotr<u64>(v13 ^ v2, 16);
    v8 += v13; v7 = rotr<u64>(v7 ^ v8, 63);
    v3 += v4 + m13; v14 = rotr<u64>(v14 ^ v3, 32);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 24);
    v3 += v4 + m0; v14 = rotr<u64>(v14 ^ v3, 16);
    v9 += v14; v4 = rotr<u64>(v4 ^ v9, 63);
  } while (--n);
  store<u64>(V, v0, 0); store<u64>(V, v1, 8); store<u64>(V, v2, 16); store<u64>(V, v3, 24);
  store<u64>(V, v4, 32); store<u64>(V, v5, 40); store<u64>(V, v6, 48); store<u64>(V, v7, 56);
  store<u64>(V, v8, 64); store<u64>(V, v9, 72); store<u64>(V, v10, 80); store<u64>(V, v11, 88);
  store<u64>(V, v12, 96); store<u64>(V, v13, 104); store<u64>(V, v14, 112); store<u64>(V, v15, 120);
}

// State keys (hex strings, as WorldState and StateSource use them) as 32-bit words
// for the shared-memory hash tables, and the hash those tables use. A word is four
// key bytes in little-endian order, so an Int32Array view over raw key bytes (all
// supported platforms are little-endian) reads the same words.

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[97 + i] = 10 + i;
  NIBBLE[65 + i] = 10 + i;
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('Lanes parallel execution needs a little-endian platform');

/** Writes the `nWords` words of a hex key (no 0x, 8 * nWords digits) to out[at...]. */
export function hexToWords(hex: string, out: Int32Array, at: number, nWords: number): void {
  for (let w = 0; w < nWords; w++) {
    let v = 0;
    for (let b = 0; b < 4; b++) {
      const i = (w * 4 + b) * 2;
      v |= ((NIBBLE[hex.charCodeAt(i)] << 4) | NIBBLE[hex.charCodeAt(i + 1)]) << (8 * b);
    }
    out[at + w] = v;
  }
}

/** The key bytes of words (inverse of hexToWords), as a hex key. */
export function wordsToHex(words: Int32Array, at: number, nWords: number): string {
  let s = '';
  for (let w = 0; w < nWords; w++) {
    const v = words[at + w];
    for (let b = 0; b < 4; b++) s += ((v >>> (8 * b)) & 0xff).toString(16).padStart(2, '0');
  }
  return s;
}

export function hashWords(seed: number, w: Int32Array, at: number, n: number): number {
  let h = Math.imul(seed, 0x9e3779b1);
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ w[at + i], 0x85ebca6b);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

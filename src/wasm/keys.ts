// State keys (lowercase hex, as WorldState and StateSource use them) of addresses
// and slots read out of byte buffers, with a small cache of recent ones. Every
// host crossing and every write-set entry needs one; building a 64-digit string
// costs about ten times a cache hit, and handing back the same string object also
// lets V8 reuse its hash in the Map lookups that follow.

import { hexKey } from '../util/hex.js';

/** A direct-mapped cache of keys of one byte length. */
class KeyCache {
  private readonly bytes: Uint8Array;
  private readonly keys: (string | undefined)[];
  private readonly mask: number;

  constructor(private readonly len: number, entries: number) {
    this.bytes = new Uint8Array(entries * len);
    this.keys = new Array<string | undefined>(entries).fill(undefined);
    this.mask = entries - 1;
  }

  key(b: Uint8Array, at: number): string {
    const len = this.len;
    const end = at + len;
    // Small slots differ in their last bytes, hashed slots and addresses everywhere.
    const h = (b[end - 1] ^ (b[end - 2] << 2) ^ (b[end - 3] << 5) ^ (b[at] << 1) ^ (b[at + 1] << 4)) & this.mask;
    const o = h * len;
    const cached = this.bytes;
    const k = this.keys[h];
    if (k !== undefined) {
      let i = 0;
      while (i < len && cached[o + i] === b[at + i]) i++;
      if (i === len) return k;
    }
    for (let i = 0; i < len; i++) cached[o + i] = b[at + i];
    return (this.keys[h] = hexKey(b, at, len));
  }
}

const addresses = new KeyCache(20, 512);
const slots = new KeyCache(32, 2048);

/** The key of the 20-byte address at b[at]. */
export function addressKeyAt(b: Uint8Array, at: number): string {
  return addresses.key(b, at);
}

/** The key of the 32-byte slot at b[at]. */
export function slotKeyAt(b: Uint8Array, at: number): string {
  return slots.key(b, at);
}

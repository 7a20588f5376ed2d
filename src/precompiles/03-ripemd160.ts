// 0x03 RIPEMD160 (Yellow Paper, appendix E): 600 gas + 120 per word; the
// 20-byte digest is returned left-padded to 32 bytes.
import { ripemd160 as ripemd160Hash } from '@noble/hashes/legacy.js';
import type { Precompile } from './index.js';
import { linearGas } from './input.js';

export const ripemd160: Precompile = {
  name: 'RIPEMD160',
  gas: (input) => linearGas(input, 600n, 120n),
  run(input) {
    const out = new Uint8Array(32);
    out.set(ripemd160Hash(input), 12);
    return out;
  },
};

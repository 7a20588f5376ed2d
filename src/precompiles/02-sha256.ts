// 0x02 SHA256 (Yellow Paper, appendix E): 60 gas + 12 per word.
import { sha256 as sha256Hash } from '@noble/hashes/sha2.js';
import type { Precompile } from './index.js';
import { linearGas } from './input.js';

export const sha256: Precompile = {
  name: 'SHA256',
  gas: (input) => linearGas(input, 60n, 12n),
  run: (input) => sha256Hash(input),
};

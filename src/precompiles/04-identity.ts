// 0x04 IDENTITY (Yellow Paper, appendix E): 15 gas + 3 per word; returns its input.
import type { Precompile } from './index.js';
import { linearGas } from './input.js';

export const identity: Precompile = {
  name: 'ID',
  gas: (input) => linearGas(input, 15n, 3n),
  // A copy, so the caller may reuse its input buffer. (Not input.slice(): on a
  // Node Buffer that is a view.)
  run: (input) => new Uint8Array(input),
};

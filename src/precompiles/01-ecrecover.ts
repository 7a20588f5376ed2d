// 0x01 ECRECOVER (Yellow Paper, appendix E): the address that signed a hash.
// Input (right-padded to 128 bytes): hash, v, r, s as 32-byte words.
// Any invalid signature gives empty output, not a failed call.
import { keccak256ViewAt } from '../util/keccak.js';
import { SECP256K1_N as N, recoverPublicKey } from '../util/secp256k1.js';
import type { Precompile } from './index.js';
import { paddedSlice, readUint } from './input.js';

const EMPTY = new Uint8Array(0);

export const ecrecover: Precompile = {
  name: 'ECREC',
  gas: () => 3000n,
  run(input) {
    const hash = paddedSlice(input, 0, 32);
    // v is a whole 32-byte word: 27 or 28 exactly, no high bits (geth's "InvalidHighV" cases).
    const v = readUint(input, 32, 32);
    const r = readUint(input, 64, 32);
    const s = readUint(input, 96, 32);
    if (v !== 27n && v !== 28n) return EMPTY;
    // Homestead's low-s rule is for transactions only; the precompile accepts any s < n.
    if (r === 0n || r >= N || s === 0n || s >= N) return EMPTY;
    const pub = recoverPublicKey(hash, r, s, v === 27n ? 0 : 1); // 0x04 || x || y
    if (pub === null) return EMPTY; // r is not the x of a curve point, or the result is the point at infinity
    const out = new Uint8Array(32);
    out.set(keccak256ViewAt(pub, 1, 64).subarray(12), 12);
    return out;
  },
};

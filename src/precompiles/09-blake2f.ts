// 0x09 BLAKE2F (EIP-152): the BLAKE2b compression function F, one gas per round.
// It runs in WASM (assembly/blake2f.ts, routed by runPrecompile in
// assembly/interpreter.ts), as a call may ask for 2^32 - 1 rounds. This entry only
// records the address's activation; the host is never asked to run it.
import type { Precompile } from './index.js';

function inWasm(): never {
  throw new Error('BLAKE2F (0x09) runs in WASM (assembly/blake2f.ts); the host must not be asked for it');
}

export const blake2f: Precompile = { name: 'BLAKE2F', gas: inWasm, run: inWasm };

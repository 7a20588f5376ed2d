// Test entry for assembly/keccak.ts: the host module's interface (keccak-host.ts:
// input(), reserve(len), hash(len), output()) plus hashing in place, the digest
// written over the input (the overlap case).
import { keccak256 } from "../keccak";
import { input } from "../keccak-host";
export { input, output, reserve, hash } from "../keccak-host";

/** Hashes `len` bytes in place, digest written over the start of the input (overlap check). */
export function hashInPlace(len: i32): void {
  keccak256(input(), <usize>len, input());
}

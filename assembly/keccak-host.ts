// A standalone module of keccak256 alone (assembly/keccak.ts), for the TypeScript
// host's hashing outside the interpreter: trie nodes, blooms, hashed keys
// (src/util/keccak.ts). Built to build/keccak.wasm. The host writes its input at
// input() (after reserve(len)), calls hash(len) and reads the digest at output().
import { keccak256 } from "./keccak";

const OUT: usize = memory.data(32, 8);

@inline function inputBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

export function input(): usize {
  return inputBase();
}

export function output(): usize {
  return OUT;
}

/** Makes room for `len` input bytes; 1 on success, 0 if memory cannot grow. */
export function reserve(len: i32): i32 {
  const need = inputBase() + <usize>len;
  const have = <usize>memory.size() << 16;
  if (need <= have) return 1;
  return memory.grow(<i32>((need - have + 0xffff) >> 16)) < 0 ? 0 : 1;
}

export function hash(len: i32): void {
  keccak256(inputBase(), <usize>len, OUT);
}

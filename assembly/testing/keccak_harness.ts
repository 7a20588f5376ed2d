// Test/benchmark entry for assembly/keccak.ts. JS writes input bytes at inputPtr()
// (after reserve(len) has grown memory enough), calls hash(len), reads 32 bytes at outPtr().
import { keccak256 } from "../keccak";

const OUT: usize = memory.data(32, 8);

@inline function inputBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

export function inputPtr(): usize {
  return inputBase();
}

export function outPtr(): usize {
  return OUT;
}

/** Makes sure `len` input bytes fit; returns 1 on success, 0 if memory cannot grow. */
export function reserve(len: i32): i32 {
  const need = inputBase() + <usize>len;
  const have = <usize>memory.size() << 16;
  if (need <= have) return 1;
  const pages = <i32>((need - have + 0xffff) >> 16);
  return memory.grow(pages) < 0 ? 0 : 1;
}

export function hash(len: i32): void {
  keccak256(inputBase(), <usize>len, OUT);
}

/** Hashes `count` consecutive `len`-byte chunks of the input (benchmark without per-call JS overhead). */
export function hashMany(len: i32, count: i32): void {
  let p = inputBase();
  for (let i = 0; i < count; i++) {
    keccak256(p, <usize>len, OUT);
    p += <usize>len;
  }
}

/** Hashes `len` bytes in place, digest written over the start of the input (overlap check). */
export function hashInPlace(len: i32): void {
  keccak256(inputBase(), <usize>len, inputBase());
}

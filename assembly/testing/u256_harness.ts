// Test entry for assembly/u256.ts. JS writes operands into the area at buf():
//   +0 A, +32 B, +64 C (words), +96 R (result word), +128 BYTES (96 raw bytes)
// and calls run(op, alias). `alias` picks the result pointer: 0 = R, 1 = B (the
// interpreter's usual in-place case), 2 = A, 3 = C; the result is then copied to
// R, so JS always reads it there. Bool and u32 results are also returned.
import * as u256 from "../u256";

const BUF: usize = memory.data(224, 16);
const A: usize = BUF;
const B: usize = BUF + 32;
const C: usize = BUF + 64;
const R: usize = BUF + 96;
const BYTES: usize = BUF + 128;

export function buf(): usize {
  return BUF;
}

function result(alias: i32): usize {
  return alias == 1 ? B : alias == 2 ? A : alias == 3 ? C : R;
}

export function run(op: i32, alias: i32): i32 {
  const r = result(alias);
  let v: i32 = -1; // -1: a word result at r
  switch (op) {
    case 0: u256.add(A, B, r); break;
    case 1: u256.sub(A, B, r); break;
    case 2: u256.mul(A, B, r); break;
    case 3: u256.div(A, B, r); break;
    case 4: u256.sdiv(A, B, r); break;
    case 5: u256.mod(A, B, r); break;
    case 6: u256.smod(A, B, r); break;
    case 7: u256.addmod(A, B, C, r); break;
    case 8: u256.mulmod(A, B, C, r); break;
    case 9: u256.exp(A, B, r); break;
    case 10: u256.signextend(A, B, r); break;
    case 11: v = <i32>u256.lt(A, B); break;
    case 12: v = <i32>u256.gt(A, B); break;
    case 13: v = <i32>u256.slt(A, B); break;
    case 14: v = <i32>u256.sgt(A, B); break;
    case 15: v = <i32>u256.eq(A, B); break;
    case 16: v = <i32>u256.iszero(A); break;
    case 17: u256.and(A, B, r); break;
    case 18: u256.or(A, B, r); break;
    case 19: u256.xor(A, B, r); break;
    case 20: u256.not(A, r); break;
    case 21: u256.byte(A, B, r); break;
    case 22: u256.shl(A, B, r); break;
    case 23: u256.shr(A, B, r); break;
    case 24: u256.sar(A, B, r); break;
    case 25: v = <i32>u256.clz(A); break;
    case 26: v = <i32>u256.isZero(A); break;
    case 27: v = <i32>u256.fitsU64(A); break;
    case 28: v = <i32>u256.byteLength(A); break;
    case 29: u256.copy(A, r); break;
    case 30: u256.setZero(r); break;
    case 31: u256.setU64(r, load<u64>(A)); break;
    // loadBE: len = B limb0, source offset into BYTES = C limb0
    case 32: u256.loadBE(BYTES + <usize>load<u64>(C), <usize>load<u64>(B), r); break;
    // storeBE: A -> BYTES + (C limb0); JS reads BYTES
    case 33: u256.storeBE(A, BYTES + <usize>load<u64>(C)); return 0;
    // division reciprocals (Möller-Granlund): of A limb0, and of (A limb1, A limb0); top bit set
    case 34: u256.setU64(r, u256.testReciprocal(load<u64>(A))); break;
    case 35: u256.setU64(r, u256.testReciprocal3by2(load<u64>(A, 8), load<u64>(A))); break;
    default: return -2;
  }
  if (v >= 0) {
    u256.setU64(R, <u64>v);
    return v;
  }
  if (r != R) u256.copy(r, R);
  return 0;
}

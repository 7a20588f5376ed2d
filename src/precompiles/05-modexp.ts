// 0x05 MODEXP: BASE**EXP % MOD for arbitrary lengths (EIP-198), repriced in
// Berlin (EIP-2565) and again in Osaka (EIP-7883), which also caps each length
// at 1024 bytes (EIP-7823).
// Input: three 32-byte lengths, then BASE, EXP, MOD, all from right-padded
// call data. A length may be up to 2^256-1: gas() works on bigints and reads
// only the first 32 bytes of the exponent, so a huge declaration prices
// instantly; run() is reached only when that price was paid, which bounds
// every length it allocates (see the note on a zero-length modulus).
import type { Precompile, PrecompileRules } from './index.js';
import { readUint } from './input.js';

interface Header {
  baseLen: bigint;
  expLen: bigint;
  modLen: bigint;
}

function header(input: Uint8Array): Header {
  return { baseLen: readUint(input, 0, 32), expLen: readUint(input, 32, 32), modLen: readUint(input, 64, 32) };
}

/** Reads `len` bytes at a bigint offset; anything at or past the input's end is zero. */
function readUintAt(input: Uint8Array, offset: bigint, len: number): bigint {
  if (offset >= BigInt(input.length)) return 0n;
  return readUint(input, Number(offset), len);
}

function bitLength(n: bigint): bigint {
  return n === 0n ? 0n : BigInt(n.toString(2).length);
}

/**
 * EIP-198's ADJUSTED_EXPONENT_LENGTH (EIP-2565's iteration count before its
 * max(.., 1)): the index of the highest set bit of the exponent's first 32
 * bytes, plus `perByte` per exponent byte beyond 32 (8; 16 from EIP-7883).
 */
function adjustedExponentLength(input: Uint8Array, h: Header, perByte: bigint): bigint {
  const headLen = h.expLen < 32n ? Number(h.expLen) : 32;
  const head = readUintAt(input, 96n + h.baseLen, headLen);
  const highBit = head === 0n ? 0n : bitLength(head) - 1n;
  return h.expLen <= 32n ? highBit : perByte * (h.expLen - 32n) + highBit;
}

/** EIP-198: approximates Karatsuba multiplication of x-byte numbers. */
function multComplexity198(x: bigint): bigint {
  if (x <= 64n) return x * x;
  if (x <= 1024n) return (x * x) / 4n + 96n * x - 3072n;
  return (x * x) / 16n + 480n * x - 199680n;
}

/** EIP-7823 (Osaka): the largest base, exponent or modulus length allowed. */
const MAX_LENGTH_7823 = 1024n;

function gas(input: Uint8Array, rules: PrecompileRules): bigint {
  const h = header(input);
  const maxLen = h.baseLen > h.modLen ? h.baseLen : h.modLen;
  let iterations = adjustedExponentLength(input, h, rules.eip7883 ? 16n : 8n);
  if (iterations < 1n) iterations = 1n;
  if (rules.eip7883) {
    // EIP-7883: multiplication complexity 16 up to 32 bytes, else 2 * ceil(max_len / 8)^2;
    // iterations as above; no division by 3; at least 500.
    const words = (maxLen + 7n) / 8n;
    const complexity = maxLen > 32n ? 2n * words * words : 16n;
    const cost = complexity * iterations;
    return cost > 500n ? cost : 500n;
  }
  if (rules.eip2565) {
    // EIP-2565: ceil(max_len / 8)^2 * iterations / 3, at least 200.
    const words = (maxLen + 7n) / 8n;
    const cost = (words * words * iterations) / 3n;
    return cost > 200n ? cost : 200n;
  }
  // EIP-198: mult_complexity(max_len) * max(adjusted_exp_len, 1) / GQUADDIVISOR (20).
  return (multComplexity198(maxLen) * iterations) / 20n;
}

/**
 * base^exp mod m, reading the exponent's bytes straight from the input (left to
 * right square-and-multiply). Exponent bytes past the end of the input are
 * zeros, so they cost squarings but no allocation.
 */
function modPow(base: bigint, input: Uint8Array, expOffset: bigint, expLen: number, m: bigint): bigint {
  base %= m;
  let result = 1n % m;
  const start = expOffset < BigInt(input.length) ? Number(expOffset) : input.length;
  const available = Math.min(expLen, input.length - start);
  for (let i = 0; i < available; i++) {
    const byte = input[start + i];
    for (let bit = 7; bit >= 0; bit--) {
      result = (result * result) % m;
      if ((byte >> bit) & 1) result = (result * base) % m;
    }
  }
  // Exponent bytes past the input are zeros: 8 squarings each (none once the
  // result is 0 or 1). run() never gets here (its modulus would lie past the
  // input too, so be 0), but this keeps modPow right on its own.
  for (let i = available; i < expLen && result > 1n; i++) {
    for (let k = 0; k < 8; k++) result = (result * result) % m;
  }
  return result;
}

function run(input: Uint8Array, rules: PrecompileRules): Uint8Array | null {
  const h = header(input);
  // EIP-7823: a length above 1024 bytes is an error (the call fails, consuming all gas given).
  if (rules.eip7823 && (h.baseLen > MAX_LENGTH_7823 || h.expLen > MAX_LENGTH_7823 || h.modLen > MAX_LENGTH_7823)) return null;
  // With a zero-length modulus the output is empty whatever the other lengths
  // (and EIP-2565 charges only 200 gas here however long the exponent is, so
  // nothing else may be read).
  if (h.modLen === 0n) return new Uint8Array(0);
  // Past this point gas was paid for max(baseLen, modLen)^2 and the exponent
  // length, so these fit comfortably in a number.
  const baseLen = Number(h.baseLen);
  const expLen = Number(h.expLen);
  const modLen = Number(h.modLen);
  const modOffset = 96n + h.baseLen + h.expLen;
  const mod = readUintAt(input, modOffset, modLen);
  const out = new Uint8Array(modLen);
  if (mod === 0n) return out; // x mod 0 is defined as 0 here (EIP-198)
  const base = readUint(input, 96, baseLen);
  let r = modPow(base, input, 96n + h.baseLen, expLen, mod);
  for (let i = modLen - 1; i >= 0 && r > 0n; i--) {
    out[i] = Number(r & 0xffn);
    r >>= 8n;
  }
  return out;
}

export const modexp: Precompile = { name: 'MODEXP', gas, run };


// Reading precompile input. Call data is treated as infinitely right-padded with
// zero bytes (EIP-196, EIP-198 and ecrecover all read it that way), so these
// helpers never fail on short input.

/** Number of 32-byte words needed for `len` bytes (the unit of linear precompile pricing). */
export function wordCount(len: number): bigint {
  return BigInt(Math.ceil(len / 32));
}

/** `base + perWord * words(input)`, the price of sha256, ripemd160 and identity. */
export function linearGas(input: Uint8Array, base: bigint, perWord: bigint): bigint {
  return base + perWord * wordCount(input.length);
}

/** `len` bytes of `input` from `offset`, zero-filled past its end (always a fresh array). */
export function paddedSlice(input: Uint8Array, offset: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  if (offset < input.length) out.set(input.subarray(offset, Math.min(input.length, offset + len)));
  return out;
}

/** Big-endian unsigned integer of `len` bytes at `offset` of the right-padded input. */
export function readUint(input: Uint8Array, offset: number, len: number): bigint {
  let n = 0n;
  const end = Math.min(input.length, offset + len);
  let i = offset;
  // 8 bytes at a time keeps this cheap for 32-byte words and long modexp operands.
  for (; i + 8 <= end; i += 8) {
    const hi = ((input[i] << 24) | (input[i + 1] << 16) | (input[i + 2] << 8) | input[i + 3]) >>> 0;
    const lo = ((input[i + 4] << 24) | (input[i + 5] << 16) | (input[i + 6] << 8) | input[i + 7]) >>> 0;
    n = (n << 64n) | (BigInt(hi) << 32n) | BigInt(lo);
  }
  for (; i < end; i++) n = (n << 8n) | BigInt(input[i]);
  // Bytes past the end of the input are zeros.
  const missing = offset + len - Math.max(end, offset);
  return missing > 0 ? n << BigInt(8 * missing) : n;
}

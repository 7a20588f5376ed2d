// Strict conversions between hex strings, bytes and bigints. Every parser names
// what it was parsing in its error, so a bad fixture field is easy to find.

export class InputError extends Error {
  override name = 'InputError';
}

const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The value of a hex digit's character code (either case), -1 if it is not one (trie.ts nibble: lowercase, unchecked). */
export function hexDigitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

function strip0x(s: string): string {
  return s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
}

/** Parses hex data ("0x"-prefixed or not, even length) into bytes. */
export function hexToBytes(s: unknown, what = 'hex data'): Uint8Array {
  if (typeof s !== 'string') throw new InputError(`${what}: expected a hex string, got ${describe(s)}`);
  const h = strip0x(s);
  if (h.length % 2 !== 0) throw new InputError(`${what}: odd number of hex digits in ${abbreviate(s)}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigitValue(h.charCodeAt(2 * i));
    const lo = hexDigitValue(h.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new InputError(`${what}: invalid hex digit at position ${2 * i} in ${abbreviate(s)}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Parses hex data that must be exactly `len` bytes (an address, a hash, a slot). */
export function hexToFixed(s: unknown, len: number, what: string): Uint8Array {
  const b = hexToBytes(s, what);
  if (b.length !== len) throw new InputError(`${what}: expected ${len} bytes, got ${b.length} in ${abbreviate(String(s))}`);
  return b;
}

/** Lowercase hex with 0x prefix. */
export function bytesToHex(b: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < b.length; i++) s += HEX_PAIRS[b[i]];
  return s;
}

/** Lowercase hex without prefix (used as map keys). */
export function bytesToKey(b: Uint8Array): string {
  return hexKey(b, 0, b.length);
}

// Two ASCII hex digits per byte, little-endian, so that a Uint16Array of them read as
// bytes spells the key.
const HEX_CODES = new Uint16Array(256);
for (let i = 0; i < 256; i++) HEX_CODES[i] = HEX_PAIRS[i].charCodeAt(0) | (HEX_PAIRS[i].charCodeAt(1) << 8);
const latin1 = new TextDecoder('latin1');
const KEY_CHUNK = 32;
const keyDigits = new Uint16Array(KEY_CHUNK);
const keyDigitBytes = new Uint8Array(keyDigits.buffer);
/** keyDigitBytes' first 2 * len bytes, by len: made once each instead of a subarray per key. */
const keyDigitViews: Uint8Array[] = [];

/**
 * The key of `len` bytes of `b` from `at`. One decode of the digits: a sequential
 * string (joining two-digit pieces builds a rope that every Map lookup must flatten
 * first), in about half the time for addresses and slots.
 */
export function hexKey(b: Uint8Array, at: number, len: number): string {
  if (len > KEY_CHUNK) return hexKey(b, at, KEY_CHUNK) + hexKey(b, at + KEY_CHUNK, len - KEY_CHUNK);
  for (let i = 0; i < len; i++) keyDigits[i] = HEX_CODES[b[at + i]];
  return latin1.decode((keyDigitViews[len] ??= keyDigitBytes.subarray(0, 2 * len)));
}

/**
 * Parses a quantity: a "0x" hex number (any length, leading zeros allowed, as
 * ethereum/tests writes them), a decimal string, or a safe JS integer.
 */
export function parseQuantity(v: unknown, what = 'quantity', maxBits = 256): bigint {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new InputError(`${what}: ${v} is not a non-negative safe integer`);
    n = BigInt(v);
  } else if (typeof v === 'string') {
    const t = v.trim();
    if (/^0[xX][0-9a-fA-F]*$/.test(t)) n = t.length === 2 ? 0n : BigInt(t);
    else if (/^[0-9]+$/.test(t)) n = BigInt(t);
    else throw new InputError(`${what}: ${abbreviate(v)} is not a hex or decimal number`);
  } else throw new InputError(`${what}: expected a number, got ${describe(v)}`);
  if (n < 0n || n >> BigInt(maxBits) !== 0n) throw new InputError(`${what}: ${abbreviate(String(v))} does not fit in ${maxBits} bits`);
  return n;
}

/**
 * The 32-byte big-endian word at `o` of `dv`: 64-bit reads, not a BigInt shift per
 * byte, and only as many as the value needs (the high words are looked at as plain
 * numbers: each BigInt made on the way is an allocation, and balances rarely need
 * more than 128 bits).
 */
export function wordAt(dv: DataView, o: number): bigint {
  const high = dv.getUint32(o) | dv.getUint32(o + 4) | dv.getUint32(o + 8) | dv.getUint32(o + 12);
  if (high === 0) {
    if ((dv.getUint32(o + 16) | dv.getUint32(o + 20)) === 0) return dv.getBigUint64(o + 24);
    return (dv.getBigUint64(o + 16) << 64n) | dv.getBigUint64(o + 24);
  }
  return (dv.getBigUint64(o) << 192n) | (dv.getBigUint64(o + 8) << 128n) | (dv.getBigUint64(o + 16) << 64n) | dv.getBigUint64(o + 24);
}

/** Big-endian bytes of a non-negative bigint, left-padded to `len` bytes. */
export function bigintToBytes(n: bigint, len = 32): Uint8Array {
  const out = new Uint8Array(len);
  if (n === 0n) return out;
  // One toString beats a BigInt shift per byte (this is on the host's hot path).
  const h = n.toString(16);
  const digits = h.length;
  let i = len - 1;
  for (let e = digits; e > 0 && i >= 0; e -= 2, i--) {
    const lo = hexDigitValue(h.charCodeAt(e - 1));
    const hi = e >= 2 ? hexDigitValue(h.charCodeAt(e - 2)) : 0;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Big-endian bytes to bigint. */
export function bytesToBigint(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + bytesToKey(b));
}

/** Minimal big-endian bytes of a bigint (0 -> empty), as RLP wants integers. */
export function bigintToMinimalBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  // The length from the hex digits: a BigInt shift per byte costs more than the conversion.
  return bigintToBytes(n, (n.toString(16).length + 1) >> 1);
}

/** Minimal hex of a quantity ("0x0" for zero), as EIP-3155 and JSON-RPC print numbers. */
export function quantityToHex(n: bigint): string {
  return '0x' + n.toString(16);
}

/** Bytes of the minimal big-endian form of a non-negative safe integer (0 for zero). */
export function safeIntByteLength(v: number): number {
  let len = 0;
  for (let t = v; t > 0; t = Math.floor(t / 256)) len++;
  return len;
}

/**
 * Writes the minimal big-endian bytes of a non-negative safe integer at out[at...]
 * (`len` of them: safeIntByteLength(v)), in a double: no BigInt per byte. Returns `len`.
 */
export function writeSafeIntBytes(out: Uint8Array, at: number, v: number, len = safeIntByteLength(v)): number {
  // (& 0xff is the low byte of any safe integer: ToInt32 keeps it.)
  for (let i = at + len - 1; i >= at; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return len;
}

/** The unsigned 32-bit little-endian integer at b[at...]. */
export function u32At(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a[at...] begins with b (no view of a made). */
export function equalBytesAt(a: Uint8Array, at: number, b: Uint8Array): boolean {
  if (at + b.length > a.length) return false;
  for (let i = 0; i < b.length; i++) if (a[at + i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? abbreviate(v) : typeof v;
}

function abbreviate(s: string): string {
  return s.length > 42 ? JSON.stringify(s.slice(0, 40) + '…') : JSON.stringify(s);
}

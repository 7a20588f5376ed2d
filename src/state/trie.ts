// Merkle-Patricia trie roots (Yellow Paper, appendix D), computed in one pass over
// sorted keys. Nothing here keeps a trie around: callers hand over the whole key/value
// set and get the root hash back, which is all state roots, receipt roots and
// transaction roots need.
//
// Keys are handled as lowercase hex strings, one character per nibble: sorting the
// strings sorts the keys, and a nibble path is a (cheap, V8-sliced) substring.

import { keccak256, keccak256View, keccak256Written } from '../util/keccak.js';
import { bytesToKey } from '../util/hex.js';

const EMPTY_STRING_RLP = Uint8Array.of(0x80);

/** keccak256(RLP("")): the root of a trie with no entries. */
export const EMPTY_TRIE_ROOT: Uint8Array = keccak256(EMPTY_STRING_RLP);

/**
 * Root of the trie holding `entries` (raw keys, values already encoded by the caller).
 * An empty value means "absent"; when a key repeats, the last value wins.
 */
export function trieRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const map = new Map<string, Uint8Array>();
  for (const [k, v] of entries) map.set(bytesToKey(k), v);
  return trieRootFromHexKeys(map);
}

/** Root of the "secure" trie: every key is replaced by its keccak256 (state and storage tries). */
export function secureTrieRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const map = new Map<string, Uint8Array>();
  for (const [k, v] of entries) map.set(bytesToKey(keccak256(k)), v);
  return trieRootFromHexKeys(map);
}

/** Root of the trie with key RLP(i) for the i-th value (transactions, receipts, withdrawals). */
export function orderedTrieRoot(values: Uint8Array[]): Uint8Array {
  // Keys are distinct by construction: sort them with their values, no map needed.
  const order: { key: string; value: Uint8Array }[] = [];
  for (let i = 0; i < values.length; i++) if (values[i].length > 0) order.push({ key: bytesToKey(rlpIndex(i)), value: values[i] });
  if (order.length === 0) return EMPTY_TRIE_ROOT.slice();
  order.sort((a, b) => (a.key < b.key ? -1 : 1));
  const root = new Builder(order.map((e) => e.key), order.map((e) => e.value), undefined).node(0, order.length, 0);
  return keccak256(root);
}

/**
 * Remembers the hashes of recently built trie nodes by their encoding. Between two
 * state roots that differ in a few accounts almost every node is unchanged, and
 * keccak is most of the cost of a root, so a trie rebuilt with the same cache only
 * really hashes the nodes on changed paths. Content-addressed, hence safe to share
 * between tries and world states. Two generations bound its size: when the young
 * one fills up it becomes the old one, and hits in the old one are promoted.
 */
export class NodeHashCache {
  private young = new Map<string, Uint8Array>();
  private old = new Map<string, Uint8Array>();

  constructor(private readonly limit = 1 << 17) {}

  hash(encoded: Uint8Array): Uint8Array {
    // Node encodings here are at most ~550 bytes (a full branch); longer ones are rare
    // values in generic tries and not worth a key string.
    if (encoded.length > 1024) return keccak256(encoded);
    const key = String.fromCharCode.apply(null, encoded as unknown as number[]);
    let h = this.young.get(key);
    if (h !== undefined) return h;
    h = this.old.get(key) ?? keccak256(encoded);
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, h);
    return h;
  }
}

/**
 * Root of a trie whose keys are already lowercase hex strings without 0x (an even
 * number of digits, as bytesToKey makes them). Lets callers that cache hashed keys
 * (the world state) skip re-hashing. Empty values are skipped. With a `cache`, node
 * hashes from earlier roots are reused.
 */
export function trieRootFromHexKeys(entries: Iterable<[string, Uint8Array]>, cache?: NodeHashCache): Uint8Array {
  const keys: string[] = [];
  const byKey = new Map<string, Uint8Array>();
  for (const [k, v] of entries) {
    if (v.length === 0) {
      byKey.delete(k);
      continue;
    }
    byKey.set(k, v);
  }
  if (byKey.size === 0) return EMPTY_TRIE_ROOT.slice();
  for (const k of byKey.keys()) keys.push(k);
  keys.sort(); // lowercase hex: string order == byte order
  const values = new Array<Uint8Array>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = byKey.get(keys[i])!;
  const root = new Builder(keys, values, cache).node(0, keys.length, 0);
  return cache ? cache.hash(root).slice() : keccak256(root);
}

/** RLP of a non-negative integer index (0 -> 0x80). */
function rlpIndex(i: number): Uint8Array {
  if (i === 0) return EMPTY_STRING_RLP;
  if (i < 0x80) return Uint8Array.of(i);
  const bytes: number[] = [];
  for (let t = i; t > 0; t = Math.floor(t / 256)) bytes.unshift(t & 0xff);
  return Uint8Array.of(0x80 + bytes.length, ...bytes);
}

class Builder {
  constructor(
    private readonly keys: string[],
    private readonly values: Uint8Array[],
    private readonly cache: NodeHashCache | undefined,
  ) {}

  /** RLP encoding of the node holding keys[lo..hi), all sharing their first `depth` nibbles. */
  node(lo: number, hi: number, depth: number): Uint8Array {
    const keys = this.keys;
    if (hi - lo === 1) {
      return encodeList([encodeString(hexPrefix(keys[lo], depth, keys[lo].length, true)), encodeString(this.values[lo])]);
    }
    // Sorted keys: the prefix shared by all is the prefix shared by the first and last.
    const first = keys[lo];
    const last = keys[hi - 1];
    const max = Math.min(first.length, last.length);
    let end = depth;
    while (end < max && first.charCodeAt(end) === last.charCodeAt(end)) end++;
    if (end > depth) {
      const child = this.node(lo, hi, end);
      return encodeList([encodeString(hexPrefix(first, depth, end, false)), this.reference(child)]);
    }
    // Branch. A key that ends here sorts first and becomes the branch value.
    const items: Uint8Array[] = new Array(17);
    let i = lo;
    if (first.length === depth) {
      items[16] = encodeString(this.values[lo]);
      i++;
    } else items[16] = EMPTY_STRING_RLP;
    let slot = 0;
    while (i < hi) {
      const c = keys[i].charCodeAt(depth);
      let j = i + 1;
      while (j < hi && keys[j].charCodeAt(depth) === c) j++;
      const n = c <= 57 ? c - 48 : c - 87;
      while (slot < n) items[slot++] = EMPTY_STRING_RLP;
      items[slot++] = j - i === 1 && this.cache === undefined ? this.leafReference(i, depth + 1) : this.reference(this.node(i, j, depth + 1));
      i = j;
    }
    while (slot < 16) items[slot++] = EMPTY_STRING_RLP;
    return encodeList(items);
  }

  /**
   * reference(node(i, i + 1, depth)) for a leaf, hashed as it is written into the
   * hasher: a leaf holding a receipt is hundreds of bytes that would otherwise be
   * copied into a node, and then into the hasher, only to be hashed.
   */
  private leafReference(i: number, depth: number): Uint8Array {
    const path = hexPrefix(this.keys[i], depth, this.keys[i].length, true);
    const value = this.values[i];
    const pathSize = path.length === 1 && path[0] < 0x80 ? 1 : rlpHeaderSize(path.length) + path.length;
    const valueSize = value.length === 1 && value[0] < 0x80 ? 1 : rlpHeaderSize(value.length) + value.length;
    const payload = pathSize + valueSize;
    const size = rlpHeaderSize(payload) + payload;
    if (size < 32) return encodeList([encodeString(path), encodeString(value)]);
    return encodeString(keccak256Written(size, (out, at) => {
      at = writeRlpHeader(out, at, payload, 0xc0);
      for (const b of [path, value]) {
        if (b.length === 1 && b[0] < 0x80) out[at++] = b[0];
        else {
          at = writeRlpHeader(out, at, b.length, 0x80);
          out.set(b, at);
          at += b.length;
        }
      }
    }));
  }

  /** How a parent refers to a child: the node itself when its RLP is under 32 bytes, else its hash. */
  private reference(encoded: Uint8Array): Uint8Array {
    if (encoded.length < 32) return encoded;
    return encodeString(this.cache ? this.cache.hash(encoded) : keccak256View(encoded));
  }
}

/** Hex-prefix encoding of nibbles key[from..to) with the leaf flag (Yellow Paper, appendix C). */
function hexPrefix(key: string, from: number, to: number, leaf: boolean): Uint8Array {
  const len = to - from;
  const odd = len & 1;
  const out = new Uint8Array((len >> 1) + 1);
  const flag = (leaf ? 2 : 0) + odd;
  let p = from;
  if (odd) out[0] = (flag << 4) | nib(key.charCodeAt(p++));
  else out[0] = flag << 4;
  for (let o = 1; p < to; o++, p += 2) out[o] = (nib(key.charCodeAt(p)) << 4) | nib(key.charCodeAt(p + 1));
  return out;
}

function nib(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

// Minimal RLP writers: trie nodes embed already-encoded children, which a generic
// encoder would wrap again as strings.

function encodeString(b: Uint8Array): Uint8Array {
  if (b.length === 1 && b[0] < 0x80) return b;
  const head = header(b.length, 0x80);
  const out = new Uint8Array(head.length + b.length);
  out.set(head, 0);
  out.set(b, head.length);
  return out;
}

function encodeList(items: Uint8Array[]): Uint8Array {
  let len = 0;
  for (let i = 0; i < items.length; i++) len += items[i].length;
  const head = header(len, 0xc0);
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let o = head.length;
  for (let i = 0; i < items.length; i++) {
    out.set(items[i], o);
    o += items[i].length;
  }
  return out;
}

function header(len: number, base: number): Uint8Array {
  const out = new Uint8Array(rlpHeaderSize(len));
  writeRlpHeader(out, 0, len, base);
  return out;
}

/** Bytes of the RLP header of a string or list with a `len`-byte payload. */
export function rlpHeaderSize(len: number): number {
  if (len < 56) return 1;
  let n = 1;
  for (let t = len; t > 0; t = Math.floor(t / 256)) n++;
  return n;
}

/**
 * Writes the RLP header of a `len`-byte payload at out[at] (`base` 0x80 for a string,
 * 0xc0 for a list); returns the offset after it.
 */
export function writeRlpHeader(out: Uint8Array, at: number, len: number, base: number): number {
  if (len < 56) {
    out[at] = base + len;
    return at + 1;
  }
  const size = rlpHeaderSize(len) - 1;
  out[at] = base + 55 + size;
  for (let i = size, t = len; i >= 1; i--, t = Math.floor(t / 256)) out[at + i] = t & 0xff;
  return at + 1 + size;
}

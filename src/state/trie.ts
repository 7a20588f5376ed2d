// Merkle-Patricia tries (Yellow Paper, appendix D). A Trie is persistent: update()
// returns a new trie that shares every untouched node with the old one, and each node
// remembers its hash, so the root of a trie that differs from an earlier one in a few
// keys costs only the hashing of the nodes on those keys' paths. World states keep
// their state and storage tries this way between roots; receipt, transaction and
// withdrawal roots build a trie once from all their keys.
//
// Keys are lowercase hex strings, one character per nibble: sorting the strings sorts
// the keys, and a node's path is a range of characters of one of its keys.

import { keccak256, keccak256Written } from '../util/keccak.js';
import { bytesToKey, equalBytes, safeIntByteLength, writeSafeIntBytes } from '../util/hex.js';

const EMPTY_STRING_RLP = Uint8Array.of(0x80);

/** keccak256(RLP("")): the root of a trie with no entries. */
export const EMPTY_TRIE_ROOT: Uint8Array = keccak256(EMPTY_STRING_RLP);

/**
 * Root of the trie holding `entries` (raw keys, values already encoded by the caller).
 * An empty value means "absent"; when a key repeats, the last value wins.
 */
export function trieRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const changes = new Map<string, Uint8Array>();
  for (const [k, v] of entries) changes.set(bytesToKey(k), v);
  return Trie.EMPTY.update(changes).root().slice();
}

/** Root of the "secure" trie: every key is replaced by its keccak256 (state and storage tries). */
export function secureTrieRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const changes = new Map<string, Uint8Array>();
  for (const [k, v] of entries) changes.set(bytesToKey(keccak256(k)), v);
  return Trie.EMPTY.update(changes).root().slice();
}

/** Root of the trie with key RLP(i) for the i-th value (transactions, receipts, withdrawals). */
export function orderedTrieRoot(values: Uint8Array[]): Uint8Array {
  const keys: string[] = [];
  const present: Uint8Array[] = [];
  for (const i of indicesInKeyOrder(values.length)) {
    if (values[i].length === 0) continue; // absent
    keys.push(rlpIndexKey(i));
    present.push(values[i]);
  }
  return Trie.ofSorted(keys, present).root().slice();
}

/**
 * 0..n-1 in the byte order of their keys RLP(i), without a sort: RLP(1..127) are single
 * bytes below RLP(0) = 0x80, and from 128 on RLP(i) grows with i (0x81 xx, 0x82 xx xx, ...).
 */
function indicesInKeyOrder(n: number): number[] {
  const order: number[] = [];
  for (let i = 1; i < Math.min(n, 0x80); i++) order.push(i);
  if (n > 0) order.push(0);
  for (let i = 0x80; i < n; i++) order.push(i);
  return order;
}

/**
 * The shape of the ordered trie of `n` values, all present (receipts): its keys in byte
 * order and the depth of each value's leaf. A leaf's encoding depends only on its key,
 * depth and value, so its reference can be computed (leafRef) before the other values
 * exist, by anyone holding the same shape; root() then hashes the other nodes alone.
 */
export class OrderedTrieShape {
  /** Keys in byte order, and the index of the value each one keys. */
  readonly sortedKeys: string[];
  readonly sortedIndices: number[];
  /** By value index: its key, and the depth (nibbles) at which its leaf's path starts. */
  private readonly keys: string[];
  private readonly depths: Int32Array;

  constructor(readonly n: number) {
    this.keys = new Array<string>(n);
    this.depths = new Int32Array(n);
    this.sortedIndices = indicesInKeyOrder(n);
    this.sortedKeys = this.sortedIndices.map((i) => (this.keys[i] = rlpIndexKey(i)));
    // Under the branch where a key parts from its nearest neighbours in order (RLP keys
    // are prefix-free: none ends at a branch). A single key's leaf is the root.
    const k = this.sortedKeys;
    let prev = 0;
    for (let p = 0; p < n; p++) {
      const next = p + 1 < n ? commonPrefix(k[p], k[p + 1]) : 0;
      this.depths[this.sortedIndices[p]] = n === 1 ? 0 : Math.max(prev, next) + 1;
      prev = next;
    }
  }

  private static last: OrderedTrieShape | null = null;

  /** The shape for `n` values (the last one made is kept: blocks in a row often have as many transactions). */
  static of(n: number): OrderedTrieShape {
    const last = OrderedTrieShape.last;
    return last !== null && last.n === n ? last : (OrderedTrieShape.last = new OrderedTrieShape(n));
  }

  /** How the trie refers to value `i`'s leaf (its keccak256, or its RLP under 32 bytes). */
  leafRef(i: number, value: Uint8Array): Uint8Array {
    return refOf(new Leaf(this.keys[i], value, this.depths[i]));
  }

  /**
   * The root over the values, taking each leaf's reference from `refs` where given
   * (leafRef's, for the same value) and value `i` from valueOf(i) where not.
   */
  root(valueOf: (i: number) => Uint8Array, refs: (Uint8Array | undefined)[]): Uint8Array {
    if (refs.length !== this.n) throw new RangeError(`ordered trie of ${this.n} values given ${refs.length} references`);
    const sortedRefs = this.sortedIndices.map((i) => refs[i]);
    const sortedValues = this.sortedIndices.map((i) => (refs[i] === undefined ? valueOf(i) : NO_VALUE));
    return Trie.ofSorted(this.sortedKeys, sortedValues, sortedRefs).root().slice();
  }
}

/** A leaf's value where its reference is known (never read: refOf stops at the reference). */
const NO_VALUE = new Uint8Array(0);

function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** RLP of a non-negative integer index (0 -> 0x80), as a key (hex). */
function rlpIndexKey(i: number): string {
  if (i === 0) return '80';
  let digits = i.toString(16);
  if (digits.length & 1) digits = '0' + digits;
  return i < 0x80 ? digits : (0x80 + digits.length / 2).toString(16) + digits;
}

/** An immutable Merkle-Patricia trie over hex-string keys (an even number of digits) and encoded values. */
export class Trie {
  static readonly EMPTY = new Trie(null);
  private hash: Uint8Array | undefined = undefined;

  private constructor(private readonly top: TrieNode | null) {}

  /**
   * This trie with each key of `changes` set to its value; null or an empty value
   * deletes the key. Returns this trie itself when nothing changes.
   */
  update(changes: Map<string, Uint8Array | null>): Trie {
    if (changes.size === 0) return this;
    const keys = [...changes.keys()].sort(); // lowercase hex: string order == byte order
    const values = new Array<Uint8Array | null>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const v = changes.get(keys[i])!;
      values[i] = v !== null && v.length > 0 ? v : null;
    }
    const top = update(this.top, keys, values, 0, keys.length, 0);
    return top === this.top ? this : new Trie(top);
  }

  /**
   * The trie of sorted distinct `keys` (lowercase hex) and their non-empty values.
   * `leafRefs`: where given, how the trie refers to that key's leaf, known already.
   */
  static ofSorted(keys: string[], values: Uint8Array[], leafRefs?: (Uint8Array | undefined)[]): Trie {
    return keys.length === 0 ? Trie.EMPTY : new Trie(build(keys, values, 0, keys.length, 0, leafRefs));
  }

  /** The value of `key`, or null if absent. */
  get(key: string): Uint8Array | null {
    let node = this.top;
    let depth = 0;
    while (node !== null) {
      if (node instanceof Leaf) return node.key === key ? node.value : null;
      if (node instanceof Extension) {
        if (!hasPath(key, node)) return null;
        depth = node.end;
        node = node.child;
      } else {
        if (key.length === depth) return node.value === null ? null : node.value.value;
        node = node.children[nibble(key.charCodeAt(depth++))];
      }
    }
    return null;
  }

  /** keccak256 of the root node (shared: callers must not modify it). */
  root(): Uint8Array {
    if (this.hash === undefined) {
      if (this.top === null) this.hash = EMPTY_TRIE_ROOT;
      else {
        const ref = refOf(this.top);
        // The root is hashed even when its encoding is short enough to be inlined.
        this.hash = ref.length === 32 ? ref : keccak256(ref);
      }
    }
    return this.hash;
  }
}

// Nodes never change once made, so tries share them; `ref` caches how a parent refers
// to the node (its RLP when under 32 bytes, else its keccak256), computed on demand.
// A node's path starts at its depth, so a node that moves to another depth is a new node.

/** The entry `key` -> `value`, its path key[depth..] (a branch's value is a Leaf with an empty path). */
class Leaf {
  ref: Uint8Array | undefined = undefined;
  constructor(readonly key: string, readonly value: Uint8Array, readonly depth: number) {}
}

/** The path key[depth..end), shared by every key below, leading to a branch. */
class Extension {
  ref: Uint8Array | undefined = undefined;
  constructor(readonly key: string, readonly depth: number, readonly end: number, readonly child: Branch) {}
}

class Branch {
  ref: Uint8Array | undefined = undefined;
  /** children: 16 entries, by the next nibble; value: the entry whose key ends here. */
  constructor(readonly children: (TrieNode | null)[], readonly value: Leaf | null) {}
}

type TrieNode = Leaf | Extension | Branch;

/**
 * Builds the node over sorted distinct keys[lo..hi) (values present), all sharing their
 * first `depth` nibbles. `leafRefs`: references of leaves known already (by position).
 */
function build(keys: string[], values: Uint8Array[], lo: number, hi: number, depth: number, leafRefs?: (Uint8Array | undefined)[]): TrieNode {
  const first = keys[lo];
  if (hi - lo === 1) {
    const leaf = new Leaf(first, values[lo], depth);
    if (leafRefs !== undefined) leaf.ref = leafRefs[lo];
    return leaf;
  }
  // Sorted keys: the prefix shared by all is the prefix shared by the first and last.
  const last = keys[hi - 1];
  const max = Math.min(first.length, last.length);
  let end = depth;
  while (end < max && first.charCodeAt(end) === last.charCodeAt(end)) end++;
  if (end > depth) return new Extension(first, depth, end, build(keys, values, lo, hi, end, leafRefs) as Branch);
  // A key that ends here sorts first and becomes the branch value.
  const children = new Array<TrieNode | null>(16).fill(null);
  let value: Leaf | null = null;
  let i = lo;
  if (first.length === depth) value = new Leaf(first, values[i++], depth);
  while (i < hi) {
    const c = keys[i].charCodeAt(depth);
    let j = i + 1;
    while (j < hi && keys[j].charCodeAt(depth) === c) j++;
    children[nibble(c)] = build(keys, values, i, j, depth + 1, leafRefs);
    i = j;
  }
  return new Branch(children, value);
}

/**
 * `node` (at `depth`) with the sorted distinct changes keys[lo..hi) applied (a null
 * value deletes); all keys share the node's first `depth` nibbles. Untouched subtries
 * are kept as they are; an unchanged node is returned itself.
 */
function update(node: TrieNode | null, keys: string[], values: (Uint8Array | null)[], lo: number, hi: number, depth: number): TrieNode | null {
  if (lo === hi) return node;
  if (node instanceof Branch) return updateBranch(node, keys, values, lo, hi, depth);
  if (node instanceof Leaf && hi - lo === 1 && keys[lo] === node.key) {
    const v = values[lo];
    if (v === null) return null;
    return equalBytes(v, node.value) ? node : new Leaf(node.key, v, depth);
  }
  if (node instanceof Extension && hasPath(keys[lo], node) && hasPath(keys[hi - 1], node)) {
    // Keys with a given prefix are contiguous in sorted order: all changes lie below.
    const child = update(node.child, keys, values, lo, hi, node.end);
    return child === node.child ? node : hoist(child, depth, node.end, node.key);
  }
  return rebuild(node, keys, values, lo, hi, depth);
}

function updateBranch(node: Branch, keys: string[], values: (Uint8Array | null)[], lo: number, hi: number, depth: number): TrieNode | null {
  let value = node.value;
  let i = lo;
  if (keys[i].length === depth) {
    const v = values[i++];
    if (v === null) value = null;
    else if (value === null || !equalBytes(v, value.value)) value = new Leaf(keys[lo], v, depth);
  }
  let children = node.children;
  while (i < hi) {
    const c = keys[i].charCodeAt(depth);
    let j = i + 1;
    while (j < hi && keys[j].charCodeAt(depth) === c) j++;
    const n = nibble(c);
    const child = update(children[n], keys, values, i, j, depth + 1);
    if (child !== children[n]) {
      if (children === node.children) children = children.slice();
      children[n] = child;
    }
    i = j;
  }
  if (children === node.children && value === node.value) return node;
  let count = 0;
  let only = 0;
  for (let n = 0; n < 16; n++) {
    if (children[n] !== null) {
      count++;
      only = n;
    }
  }
  if (count + (value === null ? 0 : 1) >= 2) return new Branch(children, value);
  // A branch needs two entries: with one left, that entry moves up to this depth.
  if (count === 1) return hoist(children[only], depth, depth + 1, null);
  return value === null ? null : new Leaf(value.key, value.value, depth);
}

/**
 * The node that replaces `child` (at depth `end`) together with the single path
 * depth..end above it (an extension's path, or one branch slot), so that it starts at
 * `depth`. `pathKey` is a key holding that path (null: take one from the child).
 */
function hoist(child: TrieNode | null, depth: number, end: number, pathKey: string | null): TrieNode | null {
  if (child === null) return null;
  if (child instanceof Leaf) return new Leaf(child.key, child.value, depth);
  if (child instanceof Extension) return new Extension(child.key, depth, child.end, child.child);
  return new Extension(pathKey ?? anyKey(child), depth, end, child);
}

function anyKey(node: TrieNode): string {
  for (;;) {
    if (node instanceof Branch) {
      if (node.value !== null) return node.value.key;
      node = node.children.find((c) => c !== null)!;
    } else if (node instanceof Extension) node = node.child;
    else return node.key;
  }
}

function hasPath(key: string, ext: Extension): boolean {
  if (key.length < ext.end) return false;
  for (let i = ext.depth; i < ext.end; i++) if (key.charCodeAt(i) !== ext.key.charCodeAt(i)) return false;
  return true;
}

/**
 * Builds anew the node holding `node`'s entries merged with the changes keys[lo..hi):
 * for changes that split a leaf or an extension, whose subtries are small in a trie of
 * hashed keys, and for changes into an empty subtrie.
 */
function rebuild(node: TrieNode | null, keys: string[], values: (Uint8Array | null)[], lo: number, hi: number, depth: number): TrieNode | null {
  const oldKeys: string[] = [];
  const oldValues: Uint8Array[] = [];
  if (node !== null) collect(node, oldKeys, oldValues);
  const mergedKeys: string[] = [];
  const mergedValues: Uint8Array[] = [];
  let o = 0;
  for (let i = lo; i < hi; i++) {
    const k = keys[i];
    while (o < oldKeys.length && oldKeys[o] < k) {
      mergedKeys.push(oldKeys[o]);
      mergedValues.push(oldValues[o++]);
    }
    if (o < oldKeys.length && oldKeys[o] === k) o++; // replaced or deleted
    const v = values[i];
    if (v !== null) {
      mergedKeys.push(k);
      mergedValues.push(v);
    }
  }
  for (; o < oldKeys.length; o++) {
    mergedKeys.push(oldKeys[o]);
    mergedValues.push(oldValues[o]);
  }
  return mergedKeys.length === 0 ? null : build(mergedKeys, mergedValues, 0, mergedKeys.length, depth);
}

/** Appends the node's entries in key order. */
function collect(node: TrieNode, keys: string[], values: Uint8Array[]): void {
  if (node instanceof Leaf) {
    keys.push(node.key);
    values.push(node.value);
  } else if (node instanceof Extension) collect(node.child, keys, values);
  else {
    if (node.value !== null) collect(node.value, keys, values);
    for (const c of node.children) if (c !== null) collect(c, keys, values);
  }
}

/** How a parent refers to the node: its RLP when that is under 32 bytes, else its keccak256. */
function refOf(node: TrieNode): Uint8Array {
  if (node.ref !== undefined) return node.ref;
  let payload: number;
  if (node instanceof Leaf) payload = pathSize(node.key.length - node.depth) + stringSize(node.value);
  else if (node instanceof Extension) payload = pathSize(node.end - node.depth) + refSize(refOf(node.child));
  else {
    payload = node.value === null ? 1 : stringSize(node.value.value);
    for (const c of node.children) payload += c === null ? 1 : refSize(refOf(c));
  }
  const size = rlpHeaderSize(payload) + payload;
  let ref: Uint8Array;
  if (size < 32) {
    ref = new Uint8Array(size);
    writeNode(node, payload, ref, 0);
  } else ref = keccak256Written(size, (out, at) => writeNode(node, payload, out, at)).slice();
  node.ref = ref;
  return ref;
}

/** Writes the RLP of a node whose children's refs are known, with its payload size. */
function writeNode(node: TrieNode, payload: number, out: Uint8Array, at: number): void {
  at = writeRlpHeader(out, at, payload, 0xc0);
  if (node instanceof Leaf) {
    at = writePath(out, at, node.key, node.depth, node.key.length, true);
    writeString(out, at, node.value);
  } else if (node instanceof Extension) {
    at = writePath(out, at, node.key, node.depth, node.end, false);
    writeRef(out, at, node.child.ref!);
  } else {
    for (const c of node.children) {
      if (c === null) out[at++] = 0x80;
      else at = writeRef(out, at, c.ref!);
    }
    if (node.value === null) out[at] = 0x80;
    else writeString(out, at, node.value.value);
  }
}

function refSize(ref: Uint8Array): number {
  return ref.length === 32 ? 33 : ref.length;
}

function writeRef(out: Uint8Array, at: number, ref: Uint8Array): number {
  if (ref.length === 32) out[at++] = 0xa0;
  out.set(ref, at);
  return at + ref.length;
}

/** Bytes of the RLP of the hex-prefix encoding of `nibbles` nibbles (its first byte is under 0x40). */
function pathSize(nibbles: number): number {
  const len = (nibbles >> 1) + 1;
  return len === 1 ? 1 : 1 + len;
}

/** Writes RLP(hex-prefix(key[from..to), leaf flag)) (Yellow Paper, appendix C). */
function writePath(out: Uint8Array, at: number, key: string, from: number, to: number, leaf: boolean): number {
  const len = to - from;
  const bytes = (len >> 1) + 1;
  if (bytes > 1) out[at++] = 0x80 + bytes;
  const flag = (leaf ? 2 : 0) + (len & 1);
  let p = from;
  out[at++] = len & 1 ? (flag << 4) | nibble(key.charCodeAt(p++)) : flag << 4;
  for (; p < to; p += 2) out[at++] = (nibble(key.charCodeAt(p)) << 4) | nibble(key.charCodeAt(p + 1));
  return at;
}

/** The value of a lowercase hex digit's character code. */
export function nibble(c: number): number {
  return c <= 57 ? c - 48 : c - 87;
}

// RLP writers: trie nodes embed already-encoded children, which a generic encoder would
// wrap again as strings, and most encodings here are written straight into the hasher.

/** Bytes of the RLP header of a string or list with a `len`-byte payload. */
export function rlpHeaderSize(len: number): number {
  return len < 56 ? 1 : 1 + safeIntByteLength(len);
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
  const size = safeIntByteLength(len);
  out[at] = base + 55 + size;
  return at + 1 + writeSafeIntBytes(out, at + 1, len, size);
}

/** Bytes of RLP(b) for a byte string. */
export function stringSize(b: Uint8Array): number {
  return stringSizeAt(b, 0, b.length);
}

/** stringSize of the `n` bytes b[at...]. */
export function stringSizeAt(b: Uint8Array, at: number, n: number): number {
  return n === 1 && b[at] < 0x80 ? 1 : rlpHeaderSize(n) + n;
}

/** Writes RLP(b) at out[at]; returns the offset after it. */
export function writeString(out: Uint8Array, at: number, b: Uint8Array): number {
  if (b.length === 1 && b[0] < 0x80) {
    out[at] = b[0];
    return at + 1;
  }
  at = writeRlpHeader(out, at, b.length, 0x80);
  out.set(b, at);
  return at + b.length;
}

/** writeString of the `n` bytes b[from...] (addresses and words copied in a loop, no view made). */
export function writeStringAt(out: Uint8Array, at: number, b: Uint8Array, from: number, n: number): number {
  if (n === 1 && b[from] < 0x80) {
    out[at] = b[from];
    return at + 1;
  }
  at = writeRlpHeader(out, at, n, 0x80);
  if (n <= 64) for (let i = 0; i < n; i++) out[at + i] = b[from + i];
  else out.set(b.subarray(from, from + n), at);
  return at + n;
}

// keccak256 for the host (trie nodes, blooms, hashed keys, code hashes): the
// interpreter's WebAssembly keccak (assembly/keccak.ts, built alone into
// build/keccak.wasm by assembly/keccak-host.ts), several times faster than a
// JavaScript keccak on the receipts and state tries that dominate a block's commit.
// It must be callable synchronously, so the module is read and instantiated at load:
// in Node through process.getBuiltinModule (no static import of a Node built-in, which
// would break the browser bundle). Where that is impossible (browsers, a missing
// build) @noble/hashes' JavaScript keccak answers instead, with the same results.

import { keccak_256 } from '@noble/hashes/sha3.js';

interface KeccakExports {
  memory: WebAssembly.Memory;
  input(): number;
  output(): number;
  reserve(len: number): number;
  hash(len: number): void;
}

const KECCAK_WASM_URL = new URL('../../../build/keccak.wasm', import.meta.url);

function instantiate(): KeccakExports | null {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof getBuiltin !== 'function' || KECCAK_WASM_URL.protocol !== 'file:') return null;
  try {
    const fs = getBuiltin('node:fs') as { readFileSync(path: URL): Uint8Array<ArrayBuffer> };
    const module = new WebAssembly.Module(fs.readFileSync(KECCAK_WASM_URL));
    return new WebAssembly.Instance(module, {}).exports as unknown as KeccakExports;
  } catch {
    return null;
  }
}

const wasm = instantiate();
let heap = wasm ? new Uint8Array(wasm.memory.buffer) : new Uint8Array(0);
const inputAt = wasm ? wasm.input() : 0;
const outputAt = wasm ? wasm.output() : 0;

/** The host's keccak256 runs in WebAssembly (false: @noble/hashes in JavaScript). */
export const KECCAK_IN_WASM = wasm !== null;

/**
 * keccak256(data) as a view valid only until the next call here (no allocation in
 * WASM: the digest in its memory): for callers that copy or inspect the digest at once
 * (trie nodes embed it in their parent, blooms take six bytes of it).
 */
export const keccak256View: (data: Uint8Array) => Uint8Array = wasm === null ? keccak_256 : (data) => {
  const len = data.length;
  if (inputAt + len > heap.length) {
    if (wasm.reserve(len) === 0) return keccak_256(data);
    heap = new Uint8Array(wasm.memory.buffer);
  }
  heap.set(data, inputAt);
  wasm.hash(len);
  return heap.subarray(outputAt, outputAt + 32);
};

/**
 * keccak256 of `len` bytes that `write` puts into `into` at `at` (WASM memory itself:
 * no buffer is assembled first). Returns a view valid until the next call here.
 */
export function keccak256Written(len: number, write: (into: Uint8Array, at: number) => void): Uint8Array {
  if (wasm !== null && (inputAt + len <= heap.length || reserveInput(len))) {
    write(heap, inputAt);
    wasm.hash(len);
    return heap.subarray(outputAt, outputAt + 32);
  }
  const buf = new Uint8Array(len);
  write(buf, 0);
  return keccak_256(buf);
}

/** keccak256View of the `len` bytes buf[from...] (copied into WASM memory: no view of them made). */
export function keccak256ViewAt(buf: Uint8Array, from: number, len: number): Uint8Array {
  if (wasm !== null && (inputAt + len <= heap.length || reserveInput(len))) {
    if (len <= 64) for (let i = 0; i < len; i++) heap[inputAt + i] = buf[from + i];
    else heap.set(buf.subarray(from, from + len), inputAt);
    wasm.hash(len);
    return heap.subarray(outputAt, outputAt + 32);
  }
  return keccak_256(buf.subarray(from, from + len));
}

function reserveInput(len: number): boolean {
  if (wasm!.reserve(len) === 0) return false;
  heap = new Uint8Array(wasm!.memory.buffer);
  return true;
}

/** keccak256(data): a new 32-byte array. */
export const keccak256: (data: Uint8Array) => Uint8Array = wasm === null ? keccak_256 : (data) => keccak256View(data).slice();

// The only TypeScript that touches raw WASM memory: one instance of the
// interpreter, views on its memory, and the host functions it imports.
import * as C from '../../assembly/shared/config.js';
import type { Fork } from '../fork/table.js';
import { RAW_BALANCE, RAW_CODE_HASH, RAW_CODE_SIZE, RAW_EXISTS, RAW_FLAGS, RAW_HAS_STORAGE, RAW_NONCE_HI, RAW_NONCE_LO, RAW_WORDS } from '../state/source.js';
import { wordAt } from '../util/hex.js';
import { addressKeyAt, slotKeyAt } from './keys.js';

export interface WasmExports {
  memory: WebAssembly.Memory;
  alloc(len: number): number;
  free(ptr: number): void;
  setFork(): void;
  txBegin(): void;
  loadAccount(): void;
  addBalance(negative: number): number;
  setAccountNonce(): void;
  warmAddress(): void;
  codeKind(): number;
  codePtr(): number;
  setAccountCode(ptr: number, len: number): void;
  warmStorage(): void;
  execute(): number;
  finalize(): number;
  writeSetPtr(): number;
  logsPtr(): number;
  logsLength(): number;
  logsCount(): number;
  setTrace(on: number): void;
}

/**
 * One operation as the traced loop reports it: values before the operation, then
 * what it cost and how it ended (`status`: an S_* code; S_SUCCESS when execution
 * went on). Stack bottom first.
 */
export interface RawStep {
  pc: number;
  op: number;
  /** Gas left before the operation. */
  gas: bigint;
  /**
   * Gas the operation charged: static and dynamic cost; for CALL-family operations
   * including the gas handed to the callee, for CREATE/CREATE2 without it (as geth
   * reports both). For a failing operation: its static cost.
   */
  gasCost: bigint;
  /** Call depth, 1 for the transaction's own frame (EIP-3155). */
  depth: number;
  stack: bigint[];
  /** Memory size in bytes. */
  memSize: number;
  /** The transaction's refund counter. */
  refund: bigint;
  /** The frame's current return data (of the last call it made). */
  returnData: Uint8Array;
  status: number;
}

/** What the WASM asks of its host: state it has not seen in this transaction. */
export interface HostCallbacks {
  /** Account at `address` into the H_* fields; return false if it does not exist. */
  /** Keys are lowercase hex without 0x (the WorldState's keys), built straight from WASM memory. */
  account(address: string, out: AccountOut): void;
  storage(address: string, slot: string, out: Uint8Array): void;
  /** When true, storage reads go to storageAt instead (StateSource.storageAt: the key as bytes in WASM memory). */
  readonly rawStorage: boolean;
  /** When true, account reads go to accountAt instead (StateSource.accountAt: the address as bytes, the account as RAW_* words). */
  readonly rawAccount: boolean;
  accountAt(mem: Uint8Array, addressAt: number, out: Int32Array): void;
  storageAt(mem: Uint8Array, addressAt: number, slotAt: number, outAt: number): void;
  code(address: string, codeHash: Uint8Array): Uint8Array;
  blockHash(n: bigint): Uint8Array | undefined;
  /** Runs precompile `id`; returns gas used and output, 'oog' or 'fail'. */
  precompile(id: number, input: Uint8Array, gas: bigint): { gasUsed: bigint; output: Uint8Array } | 'oog' | 'fail';
}

export interface AccountOut {
  exists: boolean;
  nonce: bigint;
  balance: bigint;
  /** 32 bytes (read, not kept). */
  codeHash: Uint8Array;
  codeSize: number;
  hasStorage: boolean;
}

const NO_CODE_HASH = new Uint8Array(32);
/** The largest value of two 64-bit limbs. */
const MAX_U128 = (1n << 128n) - 1n;

export class WasmInstance {
  readonly exports: WasmExports;
  private u8: Uint8Array;
  private dv: DataView;
  private forkName = '';
  host: HostCallbacks | null = null;
  private tracer: ((step: RawStep) => void) | null = null;
  private pending: RawStep | null = null;
  private readonly accountOut: AccountOut = {
    exists: false, nonce: 0n, balance: 0n, codeHash: NO_CODE_HASH, codeSize: 0, hasStorage: false,
  };

  private constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as WasmExports;
    this.u8 = new Uint8Array(this.exports.memory.buffer);
    this.dv = new DataView(this.exports.memory.buffer);
  }

  static async create(module: WebAssembly.Module): Promise<WasmInstance> {
    const link = WasmInstance.link();
    return link.bind(await WebAssembly.instantiate(module, link.imports));
  }

  /** Synchronous instantiation (Node, workers): used to replace an instance after a trap. */
  static createSync(module: WebAssembly.Module): WasmInstance {
    const link = WasmInstance.link();
    return link.bind(new WebAssembly.Instance(module, link.imports));
  }

  /** The import object, and a function that wraps the instance made with it. */
  private static link(): { imports: WebAssembly.Imports; bind: (i: WebAssembly.Instance) => WasmInstance } {
    let self: WasmInstance | null = null;
    const host = () => {
      if (!self?.host) throw new Error('WASM called its host outside a transaction');
      return self.host;
    };
    const imports = {
      env: {
        abort(msg: number, file: number, line: number, col: number) {
          const text = (p: number) => (self ? readAsString(self.exports.memory, p) : '?');
          throw new Error(`WASM abort: ${text(msg)} at ${text(file)}:${line}:${col}`);
        },
      },
      host: {
        account: () => self!.onAccount(host()),
        storage: () => self!.onStorage(host()),
        code: (dest: number, len: number) => self!.onCode(host(), dest, len),
        blockHash: () => self!.onBlockHash(host()),
        precompile: (id: number, input: number, len: number) => self!.onPrecompile(host(), id, input, len),
        traceStep: (pc: number, op: number, gas: bigint, depth: number, stack: number, items: number, memSize: number, refund: bigint, rd: number, rdLen: number) =>
          self!.onTraceStep(pc, op, gas, depth, stack, items, memSize, refund, rd, rdLen),
        traceEnd: (gasCost: bigint, status: number) => self!.onTraceEnd(gasCost, status),
      },
    };
    return { imports, bind: (instance) => (self = new WasmInstance(instance)) };
  }

  /** Views are re-created after memory growth (the old buffer is detached). */
  get mem(): Uint8Array {
    // Growth detaches the old buffer, so a zero length is the only sign needed.
    if (this.u8.byteLength === 0) {
      this.u8 = new Uint8Array(this.exports.memory.buffer);
      this.dv = new DataView(this.exports.memory.buffer);
    }
    return this.u8;
  }
  get view(): DataView {
    void this.mem;
    return this.dv;
  }

  setFork(fork: Fork): void {
    if (this.forkName === fork.name) return;
    const v = this.view;
    for (let i = 0; i < 256; i++) v.setInt32(C.GAS_TABLE + 4 * i, fork.opcodeGas[i], true);
    for (let i = 0; i < C.P_COUNT; i++) v.setBigInt64(C.PARAMS + 8 * i, fork.params[i], true);
    this.exports.setFork();
    this.forkName = fork.name;
  }

  /** Writes a 256-bit value as a little-endian word (the WASM's limb order). */
  writeWord(at: number, n: bigint): void {
    const v = this.view;
    if (n >= 0n && n <= 0xffffffffffffffffn) { // most environment values: one limb
      v.setBigUint64(at, n, true);
      v.setBigUint64(at + 8, 0n);
      v.setBigUint64(at + 16, 0n);
      v.setBigUint64(at + 24, 0n);
      return;
    }
    for (let i = 0; i < 4; i++) {
      v.setBigUint64(at + 8 * i, n & 0xffffffffffffffffn, true);
      n >>= 64n;
    }
  }

  /** Writes a 256-bit value as 32 big-endian bytes. */
  writeBigEndian(at: number, n: bigint): void {
    const v = this.view;
    if (n >= 0n && n <= 0xffffffffffffffffn) {
      v.setBigUint64(at, 0n);
      v.setBigUint64(at + 8, 0n);
      v.setBigUint64(at + 16, 0n);
      v.setBigUint64(at + 24, n);
      return;
    }
    if (n > 0n && n <= MAX_U128) { // most balances: two limbs, two BigInts made instead of eight
      v.setBigUint64(at, 0n);
      v.setBigUint64(at + 8, 0n);
      v.setBigUint64(at + 16, n >> 64n);
      v.setBigUint64(at + 24, BigInt.asUintN(64, n));
      return;
    }
    for (let i = 24; i >= 0; i -= 8) {
      v.setBigUint64(at + i, BigInt.asUintN(64, n));
      n >>= 64n;
    }
  }

  /** Reads 32 big-endian bytes as a value. */
  readBigEndian(at: number): bigint {
    return wordAt(this.view, at);
  }

  /** Writes big-endian bytes (up to 32) as a little-endian word. */
  writeWordBE(at: number, b: Uint8Array): void {
    const m = this.mem;
    m.fill(0, at, at + 32);
    for (let i = 0; i < b.length; i++) m[at + i] = b[b.length - 1 - i];
  }

  /** Writes a 20-byte address as a word. */
  writeAddressWord(at: number, address: Uint8Array): void {
    this.writeWordBE(at, address);
  }

  /** The state key of the address at `at` in WASM memory. */
  addressKeyAt(at: number): string {
    return addressKeyAt(this.mem, at);
  }

  /** The state key of the 32-byte slot at `at` in WASM memory. */
  slotKeyAt(at: number): string {
    return slotKeyAt(this.mem, at);
  }

  writeBytes(at: number, b: Uint8Array): void {
    this.mem.set(b, at);
  }

  readBytes(at: number, len: number): Uint8Array {
    return this.mem.slice(at, at + len);
  }

  /** Copies bytes into a fresh WASM allocation; the caller frees it. */
  copyIn(b: Uint8Array): number {
    const p = this.exports.alloc(b.length);
    this.mem.set(b, p);
    return p;
  }

  /** Turns per-operation tracing on (a callback) or off (null) for the next transactions. */
  setTracer(f: ((step: RawStep) => void) | null): void {
    this.tracer = f;
    this.pending = null;
    this.exports.setTrace(f ? 1 : 0);
  }

  // ---- host imports ----

  private onTraceStep(pc: number, op: number, gas: bigint, depth: number, stack: number, items: number, memSize: number, refund: bigint, rd: number, rdLen: number): void {
    const v = this.view;
    const words: bigint[] = new Array(items);
    for (let i = 0; i < items; i++) {
      const p = stack + 32 * i; // four little-endian u64 limbs
      words[i] = v.getBigUint64(p, true) | (v.getBigUint64(p + 8, true) << 64n) | (v.getBigUint64(p + 16, true) << 128n) | (v.getBigUint64(p + 24, true) << 192n);
    }
    this.pending = { pc, op, gas, gasCost: 0n, depth, stack: words, memSize, refund, returnData: this.readBytes(rd, rdLen), status: C.S_SUCCESS };
  }

  private onTraceEnd(gasCost: bigint, status: number): void {
    const s = this.pending;
    if (!s || !this.tracer) return;
    this.pending = null;
    s.gasCost = gasCost;
    s.status = status;
    this.tracer(s);
  }

  private readonly raw = new Int32Array(RAW_WORDS);
  private readonly rawBytes = new Uint8Array(this.raw.buffer);

  private onAccount(h: HostCallbacks): void {
    if (h.rawAccount) {
      const r = this.raw;
      h.accountAt(this.mem, C.HOST_IO + C.H_ADDRESS, r);
      const m = this.mem;
      const b = this.rawBytes;
      for (let i = 0; i < 32; i++) m[C.HOST_IO + C.H_BALANCE + i] = b[4 * RAW_BALANCE + i];
      // A missing account's code hash is zeros (the raw words are all zero then).
      for (let i = 0; i < 32; i++) m[C.HOST_IO + C.H_CODE_HASH + i] = b[4 * RAW_CODE_HASH + i];
      const v = this.view;
      v.setUint32(C.HOST_IO + C.H_NONCE, r[RAW_NONCE_LO], true);
      v.setUint32(C.HOST_IO + C.H_NONCE + 4, r[RAW_NONCE_HI], true);
      v.setUint32(C.HOST_IO + C.H_CODE_SIZE, r[RAW_CODE_SIZE], true);
      const f = r[RAW_FLAGS];
      v.setUint32(C.HOST_IO + C.H_ACCOUNT_FLAGS, (f & RAW_EXISTS ? C.A_EXISTS : 0) | (f & RAW_HAS_STORAGE ? C.A_HAS_STORAGE : 0), true);
      return;
    }
    const o = this.accountOut;
    o.exists = false; o.nonce = 0n; o.balance = 0n; o.codeHash = NO_CODE_HASH; o.codeSize = 0; o.hasStorage = false;
    h.account(this.addressKeyAt(C.HOST_IO + C.H_ADDRESS), o);
    const v = this.view;
    this.writeBigEndian(C.HOST_IO + C.H_BALANCE, o.balance);
    v.setBigUint64(C.HOST_IO + C.H_NONCE, o.nonce, true);
    this.mem.set(o.codeHash, C.HOST_IO + C.H_CODE_HASH);
    v.setUint32(C.HOST_IO + C.H_CODE_SIZE, o.codeSize, true);
    v.setUint32(C.HOST_IO + C.H_ACCOUNT_FLAGS, (o.exists ? C.A_EXISTS : 0) | (o.hasStorage ? C.A_HAS_STORAGE : 0), true);
  }

  private readonly word = new Uint8Array(32);
  private onStorage(h: HostCallbacks): void {
    if (h.rawStorage) {
      h.storageAt(this.mem, C.HOST_IO + C.H_ADDRESS, C.HOST_IO + C.H_SLOT, C.HOST_IO + C.H_WORD);
      return;
    }
    this.word.fill(0);
    h.storage(this.addressKeyAt(C.HOST_IO + C.H_ADDRESS), this.slotKeyAt(C.HOST_IO + C.H_SLOT), this.word);
    this.mem.set(this.word, C.HOST_IO + C.H_WORD);
  }

  private onCode(h: HostCallbacks, dest: number, len: number): void {
    const addr = this.addressKeyAt(C.HOST_IO + C.H_ADDRESS);
    const hash = this.readBytes(C.HOST_IO + C.H_CODE_HASH, 32);
    const code = h.code(addr, hash);
    if (code.length !== len) throw new Error(`host code for 0x${addr} has ${code.length} bytes, account says ${len}`);
    this.mem.set(code, dest);
  }

  private onBlockHash(h: HostCallbacks): void {
    const n = this.view.getBigUint64(C.HOST_IO + C.H_NUMBER, true);
    const hash = h.blockHash(n);
    const m = this.mem;
    if (hash) m.set(hash, C.HOST_IO + C.H_WORD);
    else m.fill(0, C.HOST_IO + C.H_WORD, C.HOST_IO + C.H_WORD + 32);
  }

  private onPrecompile(h: HostCallbacks, id: number, inPtr: number, len: number): number {
    const gas = this.view.getBigInt64(C.HOST_IO + C.H_GAS, true);
    const input = this.readBytes(inPtr, len);
    const r = h.precompile(id, input, gas);
    if (r === 'oog') return 1;
    if (r === 'fail') return 2;
    const p = r.output.length ? this.copyIn(r.output) : 0;
    const v = this.view;
    v.setBigInt64(C.HOST_IO + C.H_GAS, r.gasUsed, true);
    v.setUint32(C.HOST_IO + C.H_OUT_PTR, p, true);
    v.setUint32(C.HOST_IO + C.H_OUT_LEN, r.output.length, true);
    return 0;
  }
}

/** An AssemblyScript string (UTF-16, byte length at ptr - 4), for abort messages. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const len = new DataView(memory.buffer).getUint32(ptr - 4, true);
  return String.fromCharCode(...new Uint16Array(memory.buffer.slice(ptr, ptr + len)));
}


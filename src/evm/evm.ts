// The public EVM: one WASM instance, world state in TypeScript, transactions
// and calls run with the WASM asking this host for state it has not seen.
import { keccak256, keccak256View } from '../util/keccak.js';
import { RLP } from '@ethereumjs/rlp';
import * as C from '../../assembly/shared/config.js';
import { DEFAULT_FORK, forkByName, type Fork } from '../fork/table.js';
import { precompilesFor, precompileRules, type Precompile, type PrecompileRules } from '../precompiles/index.js';
import { loadBn254Wasm } from '../precompiles/bn254-points.js';
import { WorldState, EMPTY_CODE_HASH, codeHashAt } from '../state/world.js';
import { worldSource, type StateSource } from '../state/source.js';
import { LogBuffer, putLogs, type Log } from '../state/logs.js';
import { InputError, bigintToBytes, bigintToMinimalBytes, bytesToBigint, bytesToKey, concatBytes } from '../util/hex.js';
import { loadModule } from '../wasm/module.js';
import { WasmInstance, type AccountOut, type HostCallbacks } from '../wasm/instance.js';
import { applyResultWriteSet, applyWriteSetBytes, keepWriteSetBytes, putWriteSet, type ReadSet, type WriteSet } from './sets.js';
import type { Authorization, BlockEnv, ExecStatus, Tx, TxResult } from './types.js';
import { blobBaseFee, effectiveGasPrice, floorGas, intrinsicGas, maxCost, staticInvalidity, GAS_PER_BLOB } from '../tx/rules.js';
import { recoverAddress, SECP256K1_N } from '../tx/signature.js';
import { toTraceStep, type Tracer } from '../trace/step.js';
import { ByteChunks } from '../util/chunks.js';

const MAX_NONCE = (1n << 64n) - 1n;
// new Uint8Array(0) takes V8's slow path (a fresh backing store, ~0.5 µs): empty
// results are views of one empty buffer instead.
const EMPTY_BUFFER = new ArrayBuffer(0);
const noBytes = () => new Uint8Array(EMPTY_BUFFER, 0, 0);
/** Copies of the WASM's log buffers that results keep (see takeLogs). */
const keptLogs = new ByteChunks();
/**
 * The interpreter counts gas in a signed 64-bit integer: gas limits from 2^63 on
 * are refused as input errors rather than run with a different GAS reading.
 */
export const MAX_GAS = (1n << 63n) - 1n;

function checkGas(gas: bigint, what: string): void {
  if (gas < 0n) throw new InputError(`${what}: negative gas limit ${gas}`);
  if (gas > MAX_GAS) throw new InputError(`${what}: gas limit ${gas} is above 2^63-1, the most Lanes executes`);
}
const AUTHORIZATION_MAGIC = 0x05; // EIP-7702: signed message prefix
const DELEGATION_PREFIX = new Uint8Array([0xef, 0x01, 0x00]); // EIP-7702 designator

const STATUS_TEXT: Record<number, string> = {
  [C.S_SUCCESS]: 'success', [C.S_REVERT]: 'reverted', [C.S_OUT_OF_GAS]: 'out of gas',
  [C.S_INVALID_OPCODE]: 'invalid opcode', [C.S_STACK_UNDERFLOW]: 'stack underflow', [C.S_STACK_OVERFLOW]: 'stack overflow',
  [C.S_BAD_JUMP]: 'invalid jump destination', [C.S_STATIC_VIOLATION]: 'state change in static context',
  [C.S_RETURNDATA_OOB]: 'return data out of bounds', [C.S_CALL_DEPTH]: 'call depth exceeded',
  [C.S_INSUFFICIENT_BALANCE]: 'insufficient balance', [C.S_CREATE_COLLISION]: 'contract address collision',
  [C.S_CODE_TOO_LARGE]: 'max code size exceeded', [C.S_INVALID_CODE_PREFIX]: 'invalid code: starts with 0xEF',
  [C.S_INITCODE_TOO_LARGE]: 'max initcode size exceeded', [C.S_PRECOMPILE_FAILURE]: 'precompile failed',
  [C.S_NONCE_OVERFLOW]: 'nonce overflow', [C.S_OUT_OF_MEMORY]: 'out of memory',
};

export interface CallResult {
  status: ExecStatus;
  error?: string;
  /** Execution gas used (no intrinsic cost), before refunds. */
  gasUsed: bigint;
  gasRefund: bigint;
  output: Uint8Array;
  /** Built when first read: views into one copy of the logs the call emitted. */
  logs: Log[];
  createdAddress?: Uint8Array;
  readSet: ReadSet;
  writeSet: WriteSet;
}

export interface FullTxResult extends TxResult {
  readSet: ReadSet;
  writeSet: WriteSet;
  /** With ExecuteTxOptions.deferCoinbaseFee, for a valid transaction: what the fee recipient is owed. */
  coinbaseFee?: bigint;
}

export interface ExecuteTxOptions {
  trace?: Tracer;
  /**
   * Block-STM: neither warm (EIP-3651) nor pay the fee recipient; return the fee as
   * coinbaseFee, to be credited at commit (a transaction that reads the fee
   * recipient's account is re-executed without this option).
   */
  deferCoinbaseFee?: boolean;
  /** Record the result's readSet (default true; false leaves it empty: a caller that tracks reads itself). */
  recordReads?: boolean;
}

/** What Evm.begin last wrote into its WASM instance's environment, and for which instance and fork. */
type WrittenEnv = Pick<BlockEnv, 'number' | 'timestamp' | 'gasLimit' | 'baseFee' | 'difficulty' | 'chainId' | 'excessBlobGas' | 'coinbase' | 'prevRandao'>
  & { wasm: WasmInstance; fork: Fork };

/** A block environment with neutral defaults, for calls outside a block. */
export function defaultBlock(overrides: Partial<BlockEnv> = {}): BlockEnv {
  return {
    coinbase: new Uint8Array(20), number: 1n, timestamp: 1n, gasLimit: 30_000_000n, baseFee: 7n,
    prevRandao: new Uint8Array(32), difficulty: 0n, excessBlobGas: 0n, chainId: 1n, blockHash: () => undefined,
    ...overrides,
  };
}

/** Host callbacks over a StateSource, recording the read set (unless `recordReads` is false: it stays empty). */
class SourceHost implements HostCallbacks {
  readSet: ReadSet = { accounts: [], storage: [], blockHashes: [] };
  readonly rawStorage: boolean;
  readonly rawAccount: boolean;
  constructor(
    private readonly state: StateSource,
    private readonly block: BlockEnv,
    private readonly precompiles: Map<number, Precompile>,
    private readonly rules: PrecompileRules,
    private readonly recordReads: boolean,
  ) {
    this.rawStorage = !recordReads && state.storageAt !== undefined;
    this.rawAccount = !recordReads && state.accountAt !== undefined;
  }

  accountAt(mem: Uint8Array, addressAt: number, out: Int32Array): void {
    this.state.accountAt!(mem, addressAt, out);
  }

  account(key: string, out: AccountOut): void {
    if (this.recordReads) this.readSet.accounts.push(key);
    const a = this.state.account(key);
    if (!a) return;
    out.exists = true;
    out.nonce = a.nonce;
    out.balance = a.balance;
    out.codeHash = a.codeHash;
    out.codeSize = a.code.length;
    out.hasStorage = a.hasStorage;
  }

  storage(a: string, s: string, out: Uint8Array): void {
    if (this.recordReads) this.readSet.storage.push([a, s]);
    const v = this.state.storage(a, s);
    if (v) out.set(v);
  }

  storageAt(mem: Uint8Array, addressAt: number, slotAt: number, outAt: number): void {
    this.state.storageAt!(mem, addressAt, slotAt, outAt);
  }

  code(key: string): Uint8Array {
    return this.state.account(key)?.code ?? new Uint8Array(0);
  }

  blockHash(n: bigint): Uint8Array | undefined {
    if (this.recordReads) this.readSet.blockHashes.push(n);
    return this.block.blockHash(n);
  }

  precompile(id: number, input: Uint8Array, gas: bigint) {
    const p = this.precompiles.get(id);
    if (!p) return 'fail' as const;
    const cost = p.gas(input, this.rules);
    if (cost > gas) return 'oog' as const;
    const output = p.run(input, this.rules);
    if (output === null) return 'fail' as const;
    return { gasUsed: cost, output };
  }
}

export interface EvmOptions {
  fork?: string;
  state?: WorldState;
  block?: Partial<BlockEnv>;
}

export class Evm {
  readonly fork: Fork;
  state: WorldState;
  block: BlockEnv;
  private precompileCache = new Map<string, { map: Map<number, Precompile>; rules: PrecompileRules }>();

  /**
   * Runs `f`; if the WASM trapped (a bug, or the host threw mid-execution), the
   * instance is in an unknown state: replace it before rethrowing.
   */
  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof InputError)) this.wasm = WasmInstance.createSync(this.module); // input errors leave it intact
      throw e;
    }
  }

  private constructor(private wasm: WasmInstance, private readonly module: WebAssembly.Module, opts: EvmOptions) {
    this.fork = forkByName(opts.fork ?? DEFAULT_FORK);
    this.state = opts.state ?? new WorldState();
    this.block = defaultBlock(opts.block);
  }

  static async create(opts: EvmOptions = {}): Promise<Evm> {
    const [module] = await Promise.all([loadModule(), loadBn254Wasm()]);
    return new Evm(await WasmInstance.create(module), module, opts);
  }

  /** Bytes of the WASM instance's linear memory (it grows, never shrinks; a trap replaces the instance). */
  get memoryBytes(): number {
    return this.wasm.exports.memory.buffer.byteLength;
  }

  /** From a module compiled elsewhere (worker threads receive it). */
  static async fromModule(module: WebAssembly.Module, opts: EvmOptions = {}): Promise<Evm> {
    const [instance] = await Promise.all([WasmInstance.create(module), loadBn254Wasm()]);
    return new Evm(instance, module, opts);
  }

  /** Puts an account into this.state (missing fields: zero / empty). */
  setAccount(address: Uint8Array, fields: { balance?: bigint; nonce?: bigint; code?: Uint8Array; storage?: Map<bigint, bigint> | Record<string, bigint> } = {}): void {
    const key = addressKey(address);
    const code = fields.code ?? new Uint8Array(0);
    this.state.putAccount(key, {
      nonce: fields.nonce ?? 0n, balance: fields.balance ?? 0n, code,
      codeHash: code.length ? keccak256(code) : EMPTY_CODE_HASH, storage: new Map(),
    });
    const entries = fields.storage instanceof Map ? [...fields.storage] : Object.entries(fields.storage ?? {}).map(([k, v]) => [BigInt(k), v] as const);
    for (const [slot, value] of entries) this.setStorage(address, slot, value);
  }

  /** The account in this.state, or undefined if it does not exist. */
  getAccount(address: Uint8Array): { balance: bigint; nonce: bigint; code: Uint8Array; codeHash: Uint8Array } | undefined {
    const a = this.state.peekAccount(addressKey(address));
    return a && { balance: a.balance, nonce: a.nonce, code: a.code, codeHash: a.codeHash };
  }

  setStorage(address: Uint8Array, slot: bigint, value: bigint): void {
    this.state.putStorage(addressKey(address), bytesToKey(bigintToBytes(slot, 32)), bigintToBytes(value, 32));
  }

  getStorage(address: Uint8Array, slot: bigint): bigint {
    const v = this.state.getStorage(addressKey(address), bytesToKey(bigintToBytes(slot, 32)));
    return v ? bytesToBigint(v) : 0n;
  }

  private precompiles(fork: Fork) {
    let p = this.precompileCache.get(fork.name);
    if (!p) {
      p = { map: precompilesFor(fork.name), rules: precompileRules(fork.name) };
      this.precompileCache.set(fork.name, p);
    }
    return p;
  }

  /** Begins a transaction on the WASM side: fork, environment, host. */
  private begin(state: StateSource, block: BlockEnv, fork: Fork, origin: Uint8Array, gasPrice: bigint, blobHashes: Uint8Array[], recordReads = true): SourceHost {
    const w = this.wasm;
    w.setFork(fork);
    const pc = this.precompiles(fork);
    const host = new SourceHost(state, block, pc.map, pc.rules, recordReads);
    w.host = host;
    w.exports.txBegin();
    const E = C.ENV;
    if (!this.blockEnvWritten(block, fork)) {
      w.writeAddressWord(E + C.E_COINBASE, block.coinbase);
      w.writeWord(E + C.E_TIMESTAMP, block.timestamp);
      w.writeWord(E + C.E_NUMBER, block.number);
      if (fork.eips.has(4399)) w.writeWordBE(E + C.E_PREVRANDAO, block.prevRandao);
      else w.writeWord(E + C.E_PREVRANDAO, block.difficulty);
      w.writeWord(E + C.E_GASLIMIT, block.gasLimit);
      w.writeWord(E + C.E_BASEFEE, block.baseFee);
      w.writeWord(E + C.E_BLOBBASEFEE, blobBaseFee(block.excessBlobGas, fork));
      w.writeWord(E + C.E_CHAINID, block.chainId);
      w.writeBytes(E + C.E_COINBASE_BYTES, block.coinbase);
      this.blockEnv = {
        wasm: w, fork, number: block.number, timestamp: block.timestamp, gasLimit: block.gasLimit, baseFee: block.baseFee, difficulty: block.difficulty,
        chainId: block.chainId, excessBlobGas: block.excessBlobGas, coinbase: block.coinbase.slice(), prevRandao: block.prevRandao.slice(),
      };
    }
    w.writeAddressWord(E + C.E_ORIGIN, origin);
    w.writeWord(E + C.E_GASPRICE, gasPrice);
    if (blobHashes.length > C.MAX_BLOB_HASHES) throw new Error(`too many blob hashes (${blobHashes.length})`);
    w.view.setUint32(E + C.E_BLOB_COUNT, blobHashes.length, true);
    blobHashes.forEach((h, i) => w.writeBytes(C.BLOB_HASHES + 32 * i, h));
    w.writeBytes(E + C.E_ORIGIN_BYTES, origin);
    return host;
  }

  /**
   * The block's fields as begin() last wrote them into this WASM instance (the
   * WASM only reads them), so that the transactions of one block write them once.
   * Compared by value: a BlockEnv may be changed in place between calls. Only the
   * fields compared are kept: a block's blockHash closure held the parallel
   * executor's last block (its outcomes and their messages) alive until the next one.
   */
  private blockEnv: WrittenEnv | null = null;

  private blockEnvWritten(b: BlockEnv, fork: Fork): boolean {
    const e = this.blockEnv;
    return e !== null && e.wasm === this.wasm && e.fork === fork && e.number === b.number && e.timestamp === b.timestamp
      && e.gasLimit === b.gasLimit && e.baseFee === b.baseFee && e.difficulty === b.difficulty && e.chainId === b.chainId
      && e.excessBlobGas === b.excessBlobGas && equalBytes(e.coinbase, b.coinbase) && equalBytes(e.prevRandao, b.prevRandao);
  }

  private readAccount(address: Uint8Array): { exists: boolean; nonce: bigint; balance: bigint; codeHash: Uint8Array } {
    const w = this.wasm;
    w.writeBytes(C.HOST_IO + C.H_ADDRESS, address);
    w.exports.loadAccount();
    const v = w.view;
    return {
      exists: (v.getUint32(C.HOST_IO + C.H_ACCOUNT_FLAGS, true) & C.A_EXISTS) !== 0,
      nonce: v.getBigUint64(C.HOST_IO + C.H_NONCE, true),
      balance: w.readBigEndian(C.HOST_IO + C.H_BALANCE),
      codeHash: codeHashAt(w.mem, C.HOST_IO + C.H_CODE_HASH),
    };
  }

  private addBalance(address: Uint8Array, amount: bigint): void {
    const w = this.wasm;
    w.writeBytes(C.HOST_IO + C.H_ADDRESS, address);
    w.writeBigEndian(C.HOST_IO + C.H_WORD, amount < 0n ? -amount : amount);
    if (w.exports.addBalance(amount < 0n ? 1 : 0)) throw new Error('balance underflow');
  }

  private setNonce(address: Uint8Array, nonce: bigint): void {
    const w = this.wasm;
    w.writeBytes(C.HOST_IO + C.H_ADDRESS, address);
    w.view.setBigUint64(C.HOST_IO + C.H_NONCE, nonce, true);
    w.exports.setAccountNonce();
  }

  private warm(address: Uint8Array, slots: Uint8Array[] = []): void {
    const w = this.wasm;
    w.writeBytes(C.HOST_IO + C.H_ADDRESS, address);
    w.exports.warmAddress();
    for (const s of slots) {
      w.writeBytes(C.HOST_IO + C.H_ADDRESS, address);
      w.writeBytes(C.HOST_IO + C.H_SLOT, s);
      w.exports.warmStorage();
    }
  }

  private isDelegated(address: Uint8Array, fork: Fork): boolean {
    if (!fork.eips.has(7702)) return false;
    this.wasm.writeBytes(C.HOST_IO + C.H_ADDRESS, address);
    return this.wasm.exports.codeKind() === 1;
  }

  /**
   * EIP-7702: applies a transaction's authorizations (after the sender's nonce
   * moved, before execution). Invalid tuples are skipped. Returns the refund
   * earned by authorities that already existed.
   */
  private authorize(list: Authorization[], chainId: bigint, fork: Fork): bigint {
    const w = this.wasm;
    let refund = 0n;
    for (const a of list) {
      if (a.chainId !== 0n && a.chainId !== chainId) continue;
      if (a.nonce >= MAX_NONCE || a.yParity > 1n || a.s > SECP256K1_N / 2n) continue;
      let authority: Uint8Array;
      try {
        const msg = keccak256(concatBytes(new Uint8Array([AUTHORIZATION_MAGIC]), RLP.encode([bigintToMinimalBytes(a.chainId), a.address, bigintToMinimalBytes(a.nonce)])));
        authority = recoverAddress(msg, a.r, a.s, Number(a.yParity));
      } catch {
        continue; // no key signs it
      }
      this.warm(authority);
      w.writeBytes(C.HOST_IO + C.H_ADDRESS, authority);
      if (w.exports.codeKind() === 2) continue; // has code that is not a delegation
      const acct = this.readAccount(authority);
      if (acct.nonce !== a.nonce) continue;
      if (acct.exists) refund += fork.authorizationExistingRefund;
      const clear = a.address.every((b) => b === 0);
      const code = clear ? new Uint8Array(0) : concatBytes(DELEGATION_PREFIX, a.address);
      const p = clear ? 0 : w.copyIn(code);
      w.writeBytes(C.HOST_IO + C.H_ADDRESS, authority);
      w.exports.setAccountCode(p, code.length);
      if (p) w.exports.free(p);
      this.setNonce(authority, a.nonce + 1n);
    }
    return refund;
  }

  /** Runs the message in MSG; returns status, gas left, refund, output. */
  private message(kind: number, caller: Uint8Array, to: Uint8Array, value: bigint, data: Uint8Array, gas: bigint, code?: Uint8Array, refundIn = 0n, trace?: Tracer) {
    const w = this.wasm;
    const inPtr = w.copyIn(data);
    const codePtr = code ? w.copyIn(code) : 0;
    const M = C.MSG;
    const v = w.view;
    v.setInt32(M + C.M_KIND, kind, true);
    w.writeBytes(M + C.M_CALLER, caller);
    w.writeBytes(M + C.M_TO, to);
    w.writeBigEndian(M + C.M_VALUE, value);
    v.setBigInt64(M + C.M_GAS, gas, true); // callers keep gas below MAX_GAS
    v.setUint32(M + C.M_INPUT_PTR, inPtr, true);
    v.setUint32(M + C.M_INPUT_LEN, data.length, true);
    v.setUint32(M + C.M_CODE_PTR, codePtr, true);
    v.setUint32(M + C.M_CODE_LEN, code ? code.length : 0, true);
    v.setBigInt64(M + C.M_REFUND, refundIn, true);
    if (trace) w.setTracer((s) => trace(toTraceStep(s)));
    const status = w.exports.execute();
    if (trace) w.setTracer(null); // (a throwing tracer aborts the run: guard() replaces the instance)
    const v2 = w.view;
    const gasLeft = v2.getBigInt64(M + C.M_GAS_LEFT, true);
    const refund = v2.getBigInt64(M + C.M_REFUND, true);
    const outLen = v2.getUint32(M + C.M_OUTPUT_LEN, true);
    const output = outLen === 0 ? noBytes() : w.readBytes(v2.getUint32(M + C.M_OUTPUT_PTR, true), outLen);
    w.exports.free(inPtr);
    if (codePtr) w.exports.free(codePtr);
    return { status, gasLeft, refund, output };
  }

  /** The logs of the message just run (the WASM reuses their buffer for the next one): a copy in a shared chunk. */
  private takeLogs(): Log[] | LogBuffer {
    const w = this.wasm;
    const n = w.exports.logsCount();
    return n === 0 ? [] : new LogBuffer(keptLogs.copy(w.mem, w.exports.logsPtr(), w.exports.logsLength()), n);
  }

  /** Ends the message: its write set, as a copy of the WASM's bytes (see putWriteSet). */
  private finish(): Uint8Array {
    const w = this.wasm;
    const len = w.exports.finalize();
    const ws = keepWriteSetBytes(w.mem, w.exports.writeSetPtr(), len);
    w.host = null;
    return ws;
  }

  /**
   * Executes a transaction against `state` (mutated in place). An invalid
   * transaction leaves the state unchanged and sets `invalid`.
   */
  runTx(state: WorldState, block: BlockEnv, tx: Tx, fork: Fork = this.fork, opts: { trace?: Tracer } = {}): FullTxResult {
    const r = this.executeTx(worldSource(state), block, tx, fork, opts);
    applyResultWriteSet(state, r);
    return r;
  }

  /**
   * Executes a transaction reading `source`, without changing it: the result's
   * write set says what changed, its read set what was read. `opts.trace` receives
   * each executed operation (EIP-3155 steps); a tracer that throws aborts the run.
   */
  executeTx(source: StateSource, block: BlockEnv, tx: Tx, fork: Fork = this.fork, opts: ExecuteTxOptions = {}): FullTxResult {
    return this.guard(() => this.execute(source, block, tx, fork, opts.trace, opts.deferCoinbaseFee === true, opts.recordReads !== false));
  }

  private execute(state: StateSource, block: BlockEnv, tx: Tx, fork: Fork, trace: Tracer | undefined, deferFee: boolean, recordReads: boolean): FullTxResult {
    const intrinsic = intrinsicGas(tx, fork);
    const blobFee = blobBaseFee(block.excessBlobGas, fork);
    const bad = staticInvalidity(tx, block, fork, intrinsic, blobFee);
    if (bad) return invalidResult(bad);
    checkGas(tx.gasLimit, 'transaction');
    const price = fork.eips.has(1559) ? effectiveGasPrice(tx, block.baseFee) : tx.gasPrice!;
    const host = this.begin(state, block, fork, tx.sender, price, tx.blobVersionedHashes ?? [], recordReads);
    const sender = this.readAccount(tx.sender);
    let invalid: string | null = null;
    if (sender.nonce !== tx.nonce) invalid = `NONCE_MISMATCH_${tx.nonce < sender.nonce ? 'TOO_LOW' : 'TOO_HIGH'}: account nonce ${sender.nonce}, tx nonce ${tx.nonce}`;
    else if (!equal32(sender.codeHash, EMPTY_CODE_HASH) && sender.exists && !this.isDelegated(tx.sender, fork)) {
      invalid = 'SENDER_NOT_EOA: sender has code (EIP-3607)'; // a delegation designator does not count (EIP-7702)
    }
    else if (sender.balance < maxCost(tx)) invalid = `INSUFFICIENT_ACCOUNT_FUNDS: balance ${sender.balance} below ${maxCost(tx)}`;
    if (invalid) {
      this.wasm.host = null;
      return invalidResult(invalid, host.readSet);
    }
    const blobGas = BigInt(tx.blobVersionedHashes?.length ?? 0) * GAS_PER_BLOB;
    this.addBalance(tx.sender, -(tx.gasLimit * price + blobGas * blobFee));
    this.setNonce(tx.sender, tx.nonce + 1n);
    const created = tx.to === null ? createAddress(tx.sender, tx.nonce) : undefined;
    const to = tx.to ?? created!;
    if (fork.eips.has(2929)) {
      this.warm(tx.sender);
      this.warm(to);
      if (fork.eips.has(3651) && !deferFee) this.warm(block.coinbase);
      for (const e of tx.accessList) this.warm(e.address, e.storageKeys);
    }
    const authRefund = tx.authorizationList ? this.authorize(tx.authorizationList, block.chainId, fork) : 0n;
    if (fork.eips.has(7702)) {
      // A call to a delegated account accesses the delegate too (warm from the start, as geth does).
      const w = this.wasm;
      if (this.isDelegated(to, fork)) this.warm(w.readBytes(w.exports.codePtr() + 3, 20));
    }
    const r = this.message(tx.to === null ? C.K_CREATE : C.K_CALL, tx.sender, to, tx.value, tx.data, tx.gasLimit - intrinsic, undefined, authRefund, trace);
    let gasUsed = tx.gasLimit - r.gasLeft;
    const refundCap = gasUsed / fork.refundQuotient;
    const refund = r.refund > 0n ? (r.refund < refundCap ? r.refund : refundCap) : 0n;
    gasUsed -= refund;
    const floor = floorGas(tx, fork); // EIP-7623
    if (gasUsed < floor) gasUsed = floor;
    this.addBalance(tx.sender, (tx.gasLimit - gasUsed) * price);
    const tip = fork.eips.has(1559) ? price - block.baseFee : price;
    const fee = gasUsed * tip;
    if (!deferFee) this.addBalance(block.coinbase, fee);
    const logs = r.status === C.S_SUCCESS ? this.takeLogs() : [];
    const writeSet = this.finish();
    const result = {
      status: statusOf(r.status), error: r.status > C.S_REVERT ? STATUS_TEXT[r.status] ?? `status ${r.status}` : undefined,
      gasUsed, output: r.output,
    } as FullTxResult;
    putLogs(result, logs);
    result.createdAddress = r.status === C.S_SUCCESS ? created : undefined;
    result.readSet = host.readSet;
    putWriteSet(result, writeSet);
    if (deferFee) result.coinbaseFee = fee;
    return result;
  }

  /**
   * A message call without transaction costs (no intrinsic gas, no fee, no
   * nonce): value moves, code runs, state changes are committed to this.state.
   */
  runCall(opts: { caller?: Uint8Array; to?: Uint8Array; value?: bigint; data?: Uint8Array; gasLimit?: bigint; code?: Uint8Array; fork?: Fork; trace?: Tracer }): CallResult {
    return this.guard(() => this.call(opts));
  }

  private call(opts: Parameters<Evm['runCall']>[0]): CallResult {
    const fork = opts.fork ?? this.fork;
    const caller = opts.caller ?? new Uint8Array(20);
    const gasLimit = opts.gasLimit ?? 30_000_000n;
    checkGas(gasLimit, 'runCall');
    const value = opts.value ?? 0n;
    const host = this.begin(worldSource(this.state), this.block, fork, caller, 0n, []);
    if (value > 0n && this.readAccount(caller).balance < value) {
      this.wasm.host = null;
      throw new Error(`caller balance below value ${value}`);
    }
    let kind: number = C.K_CALL;
    let to = opts.to;
    if (opts.code) kind = C.K_CODE;
    if (!to) {
      if (opts.code) to = new Uint8Array(20).fill(0xcc);
      else {
        kind = C.K_CREATE;
        const n = this.readAccount(caller).nonce;
        to = createAddress(caller, n);
        this.setNonce(caller, n + 1n);
      }
    }
    if (fork.eips.has(2929)) {
      this.warm(caller);
      this.warm(to);
    }
    const r = this.message(kind, caller, to, value, opts.data ?? noBytes(), gasLimit, opts.code, 0n, opts.trace);
    const logs = r.status === C.S_SUCCESS ? this.takeLogs() : [];
    const writeSet = this.finish();
    applyWriteSetBytes(this.state, writeSet);
    const result = {
      status: statusOf(r.status), error: r.status > C.S_REVERT ? STATUS_TEXT[r.status] : undefined,
      gasUsed: gasLimit - r.gasLeft, gasRefund: r.refund, output: r.output,
    } as CallResult;
    putLogs(result, logs);
    result.createdAddress = kind === C.K_CREATE && r.status === C.S_SUCCESS ? to : undefined;
    result.readSet = host.readSet;
    putWriteSet(result, writeSet);
    return result;
  }

  /** Runs bytecode as the code of a called contract, without deploying it. */
  runCode(opts: { code: Uint8Array; data?: Uint8Array; gasLimit?: bigint; value?: bigint; caller?: Uint8Array; address?: Uint8Array; fork?: Fork; trace?: Tracer }): CallResult {
    return this.runCall({ code: opts.code, data: opts.data, gasLimit: opts.gasLimit, value: opts.value, caller: opts.caller, to: opts.address, fork: opts.fork, trace: opts.trace });
  }
}

/** The result of a transaction that cannot be included: nothing ran, nothing changed. */
function invalidResult(invalid: string, readSet: ReadSet = { accounts: [], storage: [], blockHashes: [] }): FullTxResult {
  return { status: 'halt', gasUsed: 0n, output: noBytes(), logs: [], readSet, writeSet: [], invalid };
}

/** Creates an EVM (the familiar @ethereumjs/evm entry point). */
export function createEVM(opts: EvmOptions = {}): Promise<Evm> {
  return Evm.create(opts);
}

function addressKey(address: Uint8Array): string {
  if (address.length !== 20) throw new InputError(`address must be 20 bytes, got ${address.length}`);
  return bytesToKey(address);
}

export function createAddress(sender: Uint8Array, nonce: bigint): Uint8Array {
  return keccak256View(RLP.encode([sender, bigintToMinimalBytes(nonce)])).slice(12); // one copy, of the address
}


function statusOf(s: number): ExecStatus {
  return s === C.S_SUCCESS ? 'success' : s === C.S_REVERT ? 'revert' : 'halt';
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function equal32(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}


// The two engines behind one small interface, so every workload runs the same
// message call on both: Lanes (this repository) and @ethereumjs/evm.
//
// A workload is a pre-state, a block, a fork, optional setup calls (run once and
// committed: deploying a token) and the timed call. Both engines run it as a
// top-level message call (their runCall): no intrinsic gas, no fee, no nonce bump,
// with the caller, the callee and the active precompiles warm (EIP-2929), as a
// transaction would have them. Before each timed run the state is put back to the
// post-setup state; that reset is outside the timed section.

import { createEVM, getActivePrecompiles, type EVM } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { Account, Address } from '@ethereumjs/util';
import { Evm } from '../src/evm/evm.js';
import type { BlockEnv } from '../src/evm/types.js';
import { forkByName, type Fork } from '../src/fork/table.js';
import type { Log } from '../src/state/logs.js';
import type { WorldState } from '../src/state/world.js';
import { blobBaseFee } from '../src/tx/rules.js';
import { bigintToBytes, bytesToHex, hexToBytes } from '../src/util/hex.js';

export interface Call {
  caller: Uint8Array;
  /** null: a contract creation with `data` as init code. */
  to: Uint8Array | null;
  data: Uint8Array;
  value: bigint;
  gasLimit: bigint;
}

export interface Workload {
  suite: string;
  group: string;
  name: string;
  /** A fork name of src/fork/table.ts. */
  fork: string;
  pre: WorldState;
  block: BlockEnv;
  /** Calls run once, in order, and committed before the timed call (each must succeed). */
  setup?: Call[];
  call: Call;
  /** How many times the measured operation runs in one call (for ns/op). */
  ops?: number;
}

export interface Outcome {
  status: 'success' | 'revert' | 'halt';
  error?: string;
  /** Execution gas of the call, before refunds. */
  gasUsed: bigint;
  refund: bigint;
  output: Uint8Array;
  logs: Log[];
  created?: Uint8Array;
}

/**
 * An outcome whose logs are fetched when first read: by the agreement check, not by
 * timed runs, which time the call alone. A Lanes result builds its Log objects when
 * result.logs is first read; ethereumjs builds its log arrays as it executes, and
 * only their conversion to this shape waits. (A class: a getter in an object
 * literal costs about a microsecond per outcome.)
 */
class LazyLogsOutcome implements Outcome {
  private fetched: Log[] | undefined;

  constructor(
    readonly status: Outcome['status'], readonly error: string | undefined, readonly gasUsed: bigint, readonly refund: bigint,
    readonly output: Uint8Array, readonly created: Uint8Array | undefined, private readonly fetchLogs: () => Log[],
  ) {}

  get logs(): Log[] {
    return (this.fetched ??= this.fetchLogs());
  }
}

/** One engine prepared for one workload: reset() before each run() (outside the timing). */
export interface Runner {
  readonly engine: string;
  readonly async: boolean;
  reset(): void | Promise<void>;
  run(): Outcome | Promise<Outcome>;
  /** Undo what reset() set up, if anything (after each run). */
  release(): void | Promise<void>;
}

// ---------------------------------------------------------------- Lanes

let lanesEvm: Promise<Evm> | null = null;

/** One Lanes Evm (one WASM instance) serves every workload, as an application would use it. */
function sharedLanes(): Promise<Evm> {
  if (!lanesEvm) lanesEvm = Evm.create();
  return lanesEvm;
}

function lanesCall(evm: Evm, c: Call, fork: Fork): Outcome {
  const r = evm.runCall({
    caller: c.caller, to: c.to ?? undefined, data: c.data, value: c.value, gasLimit: c.gasLimit, fork,
  });
  return new LazyLogsOutcome(r.status, r.error, r.gasUsed, r.gasRefund, r.output, r.createdAddress, () => r.logs);
}

/** `evm` defaults to one shared instance (a profiling script may pass its own build). */
export async function lanesRunner(w: Workload, evm?: Evm): Promise<Runner> {
  evm ??= await sharedLanes();
  const fork = forkByName(w.fork);
  evm.block = w.block;
  evm.state = w.pre.copy();
  for (const [i, c] of (w.setup ?? []).entries()) {
    const r = lanesCall(evm, c, fork);
    if (r.status !== 'success') throw new Error(`${w.name}: Lanes setup call ${i} failed: ${r.error ?? r.status}`);
  }
  const base = evm.state;
  return {
    engine: 'lanes',
    async: false,
    reset() {
      evm.block = w.block;
      evm.state = base.copy();
    },
    run: () => lanesCall(evm, w.call, fork),
    release() {},
  };
}

// ---------------------------------------------------------------- @ethereumjs/evm

const HARDFORKS: Record<string, Hardfork> = {
  Frontier: Hardfork.Chainstart, Homestead: Hardfork.Homestead, TangerineWhistle: Hardfork.TangerineWhistle,
  SpuriousDragon: Hardfork.SpuriousDragon, Byzantium: Hardfork.Byzantium, Constantinople: Hardfork.Constantinople,
  Petersburg: Hardfork.Petersburg, Istanbul: Hardfork.Istanbul, MuirGlacier: Hardfork.MuirGlacier,
  Berlin: Hardfork.Berlin, London: Hardfork.London, ArrowGlacier: Hardfork.ArrowGlacier,
  GrayGlacier: Hardfork.GrayGlacier, Paris: Hardfork.Paris, Shanghai: Hardfork.Shanghai, Cancun: Hardfork.Cancun,
  Prague: Hardfork.Prague, Osaka: Hardfork.Osaka,
};

function ethjsBlock(b: BlockEnv, fork: Fork) {
  const blobPrice = blobBaseFee(b.excessBlobGas, fork);
  return {
    header: {
      number: b.number,
      coinbase: new Address(b.coinbase),
      timestamp: b.timestamp,
      difficulty: b.difficulty,
      prevRandao: b.prevRandao,
      gasLimit: b.gasLimit,
      baseFeePerGas: b.baseFee,
      getBlobGasPrice: () => blobPrice,
    },
  };
}

/** BLOCKHASH through the workload's own block-hash function, as Lanes reads it. */
function ethjsChain(b: BlockEnv) {
  const chain = {
    getBlock: async (n: number) => {
      const h = b.blockHash(BigInt(n)) ?? new Uint8Array(32);
      return { hash: () => h };
    },
    putBlock: async () => {},
    shallowCopy: () => chain,
  };
  return chain;
}

/** Minimal big-endian bytes, as @ethereumjs/evm itself stores slot values. */
function minimal(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.slice(i);
}

async function loadState(evm: EVM, pre: WorldState): Promise<void> {
  const sm = evm.stateManager;
  for (const [addrHex, a] of Object.entries(pre.toJSON())) {
    const address = new Address(hexToBytes(addrHex));
    await sm.putAccount(address, new Account(BigInt(a.nonce), BigInt(a.balance)));
    if (a.code !== '0x') await sm.putCode(address, hexToBytes(a.code));
    for (const [slot, value] of Object.entries(a.storage)) {
      await sm.putStorage(address, bigintToBytes(BigInt(slot), 32), minimal(bigintToBytes(BigInt(value), 32)));
    }
  }
}

export async function ethjsRunner(w: Workload): Promise<Runner> {
  const fork = forkByName(w.fork);
  const hardfork = HARDFORKS[fork.name];
  if (hardfork === undefined) throw new Error(`no @ethereumjs hardfork for ${fork.name}`);
  const common = new Common({ chain: Mainnet, hardfork });
  const evm = await createEVM({ common, blockchain: ethjsChain(w.block) });
  await loadState(evm, w.pre);
  const block = ethjsBlock(w.block, fork);
  const precompiles = [...getActivePrecompiles(common).keys()];
  const sm = evm.stateManager;

  const warm = (c: Call) => {
    if (!common.isActivatedEIP(2929)) return;
    evm.journal.addAlwaysWarmAddress(bytesToHex(c.caller));
    if (c.to) evm.journal.addAlwaysWarmAddress(bytesToHex(c.to));
    for (const p of precompiles) evm.journal.addAlwaysWarmAddress(p);
  };
  // What @ethereumjs/vm does between transactions: forget warm sets, touched
  // accounts, original storage values and transient storage.
  const endTx = () => {
    evm.journal.cleanJournal();
    sm.originalStorageCache.clear();
    evm.transientStorage.clear();
  };
  const call = async (c: Call): Promise<Outcome> => {
    const r = await evm.runCall({
      caller: new Address(c.caller),
      to: c.to ? new Address(c.to) : undefined,
      data: c.data,
      value: c.value,
      gasLimit: c.gasLimit,
      block,
      // Lanes' runCall bumps no nonce for a call; a creation uses and bumps it in both.
      skipNonceIncrement: c.to !== null,
    });
    const e = r.execResult;
    const err = e.exceptionError?.error;
    return new LazyLogsOutcome(
      err === undefined ? 'success' : err === 'revert' ? 'revert' : 'halt', err, e.executionGasUsed, e.gasRefund ?? 0n,
      e.returnValue, r.createdAddress?.bytes, () => (e.logs ?? []).map(([address, topics, data]) => ({ address, topics, data })),
    );
  };

  for (const [i, c] of (w.setup ?? []).entries()) {
    warm(c);
    const r = await call(c);
    endTx();
    if (r.status !== 'success') throw new Error(`${w.name}: ethereumjs setup call ${i} failed: ${r.error ?? r.status}`);
  }
  return {
    engine: 'ethereumjs',
    async: true,
    async reset() {
      await sm.checkpoint();
      warm(w.call);
    },
    run: () => call(w.call),
    async release() {
      await sm.revert();
      endTx();
    },
  };
}

// ---------------------------------------------------------------- comparison

/** The differences between two outcomes of the same call; empty when they agree. */
export function compareOutcomes(a: Outcome, b: Outcome): string[] {
  const d: string[] = [];
  const hex = (x: Uint8Array | undefined) => (x === undefined ? 'none' : bytesToHex(x));
  const short = (s: string) => (s.length > 138 ? `${s.slice(0, 130)}...(${(s.length - 2) / 2} bytes)` : s);
  if (a.status !== b.status) d.push(`status: ${a.status}${a.error ? ` (${a.error})` : ''} vs ${b.status}${b.error ? ` (${b.error})` : ''}`);
  if (a.gasUsed !== b.gasUsed) d.push(`gas used: ${a.gasUsed} vs ${b.gasUsed} (difference ${a.gasUsed - b.gasUsed})`);
  if (a.refund !== b.refund) d.push(`refund: ${a.refund} vs ${b.refund}`);
  if (hex(a.output) !== hex(b.output)) d.push(`output: ${short(hex(a.output))} vs ${short(hex(b.output))}`);
  if (hex(a.created) !== hex(b.created)) d.push(`created address: ${hex(a.created)} vs ${hex(b.created)}`);
  if (a.logs.length !== b.logs.length) d.push(`logs: ${a.logs.length} vs ${b.logs.length}`);
  else {
    const i = a.logs.findIndex((l, k) => {
      const m = b.logs[k];
      return hex(l.address) !== hex(m.address) || hex(l.data) !== hex(m.data)
        || l.topics.length !== m.topics.length || l.topics.some((t, j) => hex(t) !== hex(m.topics[j]));
    });
    if (i >= 0) d.push(`log ${i} differs`);
  }
  return d;
}

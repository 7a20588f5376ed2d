// Block fixtures (formats `pevm-block-fixture/v1` and its superset
// `lanes-block-fixture/v1`, documented in vectors/lanes/README.md): a block as
// JSON-RPC returns it, the accounts and slots it touches, the block hashes it may ask
// for, and what the chain recorded.
//
// A pevm pre-state is partial. An account absent from it is genuinely absent (new or
// empty); but a slot of an account that is present and absent from its storage (the
// fixtures list zero-valued slots they read) is data the fixture does not have, so
// reading it is reported rather than silently read as zero. The same holds for
// BLOCKHASH of a block in the 256-block window that `blockHashes` lacks. A lanes
// fixture may declare its pre-state complete: then absent means zero, and the state
// root (and pre-Byzantium receipts) can be checked.

import type { Evm, FullTxResult } from '../evm/evm.js';
import type { AccessListEntry, Authorization, Tx } from '../evm/types.js';
import { MAINNET_DAO_FORK_BLOCK, forkByName, mainnetForkAt, type Fork } from '../fork/table.js';
import { WorldState } from '../state/world.js';
import { encodeTx, type TxSignature, type UnsignedTx } from '../tx/decode.js';
import { InputError, bigintToBytes, bytesToHex, bytesToKey, equalBytes, hexToBytes, hexToFixed, parseQuantity } from '../util/hex.js';
import { array, asObject } from '../util/json.js';
import { transactionsRoot, type Withdrawal } from './block.js';
import { InvalidBlockError } from './errors.js';
import { executeBlock, type ExecuteOptions } from './execute.js';
import { headerFromJSON, type BlockHeader } from './header.js';
import type { Receipt } from './receipt.js';
import { readJsonFile } from '../util/file.js';

/** A fixture transaction: the Tx fields plus what JSON-RPC gives besides (signature, chain id, hash). */
export type FixtureTx = Tx & TxSignature & { chainId: bigint | null; hash?: Uint8Array };

export interface BlockFixture {
  file: string;
  /** The `_format` field, if any. */
  format?: string;
  chainId: bigint;
  /** The pre-state holds every account and slot (lanes-block-fixture/v1 `preStateComplete`). */
  complete: boolean;
  /** The fork follows the mainnet schedule (no `fork` field). */
  mainnetSchedule: boolean;
  header: BlockHeader;
  /** The block hash as the fixture states it. */
  hash?: Uint8Array;
  fork: Fork;
  transactions: FixtureTx[];
  withdrawals?: Withdrawal[];
  preState: WorldState;
  /** Slots the fixture holds, per account key (zero-valued ones included). */
  knownSlots: Map<string, Set<string>>;
  blockHashes: Map<bigint, Uint8Array>;
  expected: {
    gasUsed: bigint;
    receiptsRoot?: Uint8Array;
    logsBloom?: Uint8Array;
    transactionsRoot?: Uint8Array;
    stateRoot?: Uint8Array;
    /** Per transaction (lanes-block-fixture/v1), to find the first one that differs. */
    receipts?: { status?: 0 | 1; cumulativeGasUsed: bigint }[];
  };
}

export function readBlockFixture(file: string): BlockFixture {
  return parseBlockFixture(readJsonFile(file), file);
}

export function parseBlockFixture(json: unknown, file: string): BlockFixture {
  const o = asObject(json, file);
  const w = (f: string) => `${file}: ${f}`;
  const chainId = o.chainId === undefined ? 1n : parseQuantity(o.chainId, w('chainId'));
  const rawHeader = asObject(o.header, w('header'));
  const header = headerFromJSON(rawHeader, w('header'), true);
  // Mainnet blocks follow the mainnet schedule; a lanes fixture may name its fork.
  const fork = o.fork === undefined ? mainnetForkAt(header.number, header.timestamp) : forkByName(String(o.fork));
  if (o.preStateComplete !== undefined && typeof o.preStateComplete !== 'boolean') throw new InputError(`${w('preStateComplete')}: expected true or false`);
  const transactions = array(o.transactions ?? [], w('transactions')).map((t, i) => fixtureTx(t, chainId, w(`transactions[${i}]`)));
  const withdrawals = o.withdrawals === undefined || o.withdrawals === null
    ? undefined
    : array(o.withdrawals, w('withdrawals')).map((x, i) => {
      const where = w(`withdrawals[${i}]`);
      const wd = asObject(x, where);
      return {
        index: parseQuantity(wd.index, `${where}.index`, 64),
        validatorIndex: parseQuantity(wd.validatorIndex, `${where}.validatorIndex`, 64),
        address: hexToFixed(wd.address, 20, `${where}.address`),
        amount: parseQuantity(wd.amount, `${where}.amount`, 64),
      };
    });
  const rawPre = asObject(o.preState ?? {}, w('preState'));
  const preState = WorldState.fromJSON(rawPre, w('preState'));
  const knownSlots = new Map<string, Set<string>>();
  for (const [addr, acc] of Object.entries(rawPre)) {
    const slots = new Set<string>();
    const storage = asObject(acc, w(`preState[${addr}]`)).storage;
    if (storage !== undefined) {
      for (const slot of Object.keys(asObject(storage, w(`preState[${addr}].storage`)))) {
        slots.add(bytesToKey(bigintToBytes(parseQuantity(slot, w(`preState[${addr}].storage key`)), 32)));
      }
    }
    knownSlots.set(bytesToKey(hexToFixed(addr, 20, w(`preState address ${addr}`))), slots);
  }
  const blockHashes = new Map<bigint, Uint8Array>();
  for (const [n, h] of Object.entries(asObject(o.blockHashes ?? {}, w('blockHashes')))) {
    blockHashes.set(parseQuantity(n, w(`blockHashes key ${n}`), 64), hexToFixed(h, 32, w(`blockHashes[${n}]`)));
  }
  const e = asObject(o.expected ?? {}, w('expected'));
  const optHash = (f: string, len = 32) => (e[f] === undefined ? undefined : hexToFixed(e[f], len, w(`expected.${f}`)));
  const receipts = e.receipts === undefined ? undefined : array(e.receipts, w('expected.receipts')).map((x, i) => {
    const r = asObject(x, w(`expected.receipts[${i}]`));
    const status = r.status === undefined ? undefined : Number(parseQuantity(r.status, w(`expected.receipts[${i}].status`), 1)) as 0 | 1;
    return { status, cumulativeGasUsed: parseQuantity(r.cumulativeGasUsed, w(`expected.receipts[${i}].cumulativeGasUsed`), 64) };
  });
  return {
    file, format: typeof o._format === 'string' ? o._format : undefined, complete: o.preStateComplete === true, mainnetSchedule: o.fork === undefined,
    chainId, header, fork, transactions, withdrawals, preState, knownSlots, blockHashes,
    hash: rawHeader.hash === undefined ? undefined : hexToFixed(rawHeader.hash, 32, w('header.hash')),
    expected: {
      gasUsed: e.gasUsed === undefined ? header.gasUsed : parseQuantity(e.gasUsed, w('expected.gasUsed'), 64),
      receiptsRoot: optHash('receiptsRoot'),
      logsBloom: optHash('logsBloom', 256),
      transactionsRoot: optHash('transactionsRoot'),
      stateRoot: optHash('stateRoot'),
      receipts,
    },
  };
}

/** A JSON-RPC transaction (with `from`) as a Tx. */
function fixtureTx(raw: unknown, chainId: bigint, where: string): FixtureTx {
  const t = asObject(raw, where);
  const q = (f: string, bits = 256) => parseQuantity(t[f], `${where}.${f}`, bits);
  const opt = (f: string) => (t[f] === undefined || t[f] === null ? undefined : q(f));
  const type = t.type === undefined ? 0 : Number(q('type', 8));
  if (type > 4) throw new InputError(`${where}.type: unknown transaction type ${type}`);
  const v = q('v');
  const tx: FixtureTx = {
    type: type as Tx['type'],
    sender: hexToFixed(t.from, 20, `${where}.from`),
    nonce: q('nonce', 64),
    gasLimit: q('gas', 64),
    to: t.to === undefined || t.to === null || t.to === '' ? null : hexToFixed(t.to, 20, `${where}.to`),
    value: q('value'),
    data: hexToBytes(t.input ?? t.data ?? '0x', `${where}.input`),
    accessList: t.accessList === undefined || t.accessList === null ? [] : accessList(t.accessList, `${where}.accessList`),
    // EIP-155: legacy chain id from v; typed transactions carry it.
    chainId: type === 0 ? (v >= 35n ? (v - 35n) >> 1n : null) : (opt('chainId') ?? chainId),
    v: type === 0 ? v : (opt('yParity') ?? v),
    r: q('r'),
    s: q('s'),
    hash: t.hash === undefined ? undefined : hexToFixed(t.hash, 32, `${where}.hash`),
  };
  if (type <= 1) tx.gasPrice = q('gasPrice');
  else {
    tx.maxFeePerGas = q('maxFeePerGas');
    tx.maxPriorityFeePerGas = q('maxPriorityFeePerGas');
  }
  if (type === 3) {
    tx.maxFeePerBlobGas = q('maxFeePerBlobGas');
    tx.blobVersionedHashes = array(t.blobVersionedHashes, `${where}.blobVersionedHashes`).map((h, i) => hexToFixed(h, 32, `${where}.blobVersionedHashes[${i}]`));
  }
  if (type === 4) {
    tx.authorizationList = array(t.authorizationList, `${where}.authorizationList`).map((a, i): Authorization => {
      const at = `${where}.authorizationList[${i}]`;
      const x = asObject(a, at);
      return {
        chainId: parseQuantity(x.chainId, `${at}.chainId`), address: hexToFixed(x.address, 20, `${at}.address`),
        nonce: parseQuantity(x.nonce, `${at}.nonce`, 64), yParity: parseQuantity(x.yParity ?? x.v, `${at}.yParity`, 8),
        r: parseQuantity(x.r, `${at}.r`), s: parseQuantity(x.s, `${at}.s`),
      };
    });
  }
  return tx;
}

function accessList(raw: unknown, where: string): AccessListEntry[] {
  return array(raw, where).map((e, i) => {
    const x = asObject(e, `${where}[${i}]`);
    return {
      address: hexToFixed(x.address, 20, `${where}[${i}].address`),
      storageKeys: array(x.storageKeys ?? [], `${where}[${i}].storageKeys`).map((k, j) => hexToFixed(k, 32, `${where}[${i}].storageKeys[${j}]`)),
    };
  });
}

/** The canonical encoding of a fixture transaction (for the transactions root and its hash). */
export function encodeFixtureTx(tx: FixtureTx): Uint8Array {
  return encodeTx(tx as UnsignedTx & TxSignature);
}

export interface FixtureResult {
  file: string;
  number: bigint;
  fork: string;
  transactions: number;
  gasUsed: bigint;
  expectedGasUsed: bigint;
  /** Execution time of the block (ms). */
  timeMs: number;
  /** null: not checked (no expectation, or a receipts root before Byzantium). */
  gasUsedMatch: boolean;
  receiptsRootMatch: boolean | null;
  logsBloomMatch: boolean | null;
  transactionsRootMatch: boolean | null;
  /** Checked only for a complete pre-state with an expected root. */
  stateRootMatch: boolean | null;
  /** Reads of state the fixture does not hold ("tx 3: storage 0xabc.. [0x01..]"). */
  missing: string[];
  pass: boolean;
  /** Why the block failed (an invalid transaction, a mismatch, missing pre-state), or null. */
  reason: string | null;
}

/** What runBlockFixture does before it starts its clock: the state to run on, and the transactions root's check. */
export interface PreparedFixture {
  state: WorldState;
  /** null: no expected transactions root. */
  transactionsRootMatch: boolean | null;
}

export function prepareBlockFixture(f: BlockFixture): PreparedFixture {
  const transactionsRootMatch = f.expected.transactionsRoot === undefined
    ? null
    : equalBytes(transactionsRoot(f.transactions.map(encodeFixtureTx)), f.expected.transactionsRoot);
  return { state: f.preState.copy(), transactionsRootMatch };
}

/**
 * Executes a fixture's block on a copy of its pre-state and checks it against
 * `expected`. `prepared` (default: prepared here) is consumed: its state is executed on.
 * timeMs is the execution's alone, not the preparation's. `overrides`: see ExecuteOptions.
 */
export function runBlockFixture(evm: Evm, f: BlockFixture, prepared: PreparedFixture = prepareBlockFixture(f),
  overrides: Pick<ExecuteOptions, 'receiptsRoot'> = {}): FixtureResult {
  const number = f.header.number;
  const state = prepared.state;
  // Reads of slots the fixture does not list, by transaction: missing unless an earlier
  // transaction wrote the slot or recreated its account, which is checked only when
  // there are any (reading every write set cost about 5% of a mainnet block's time).
  const unlisted: { tx: number; addr: string; slot: string }[] = [];
  const blockHashMisses: { tx: number; n: bigint }[] = [];
  const results: FullTxResult[] = [];
  const blockHash = (n: bigint) => f.blockHashes.get(n);

  const base = { file: f.file, number, fork: f.fork.name, transactions: f.transactions.length, expectedGasUsed: f.expected.gasUsed };
  const txRoot = prepared.transactionsRootMatch;

  const t0 = performance.now();
  let r;
  try {
    r = executeBlock(evm, state, { header: f.header, transactions: f.transactions, uncles: [], withdrawals: f.withdrawals }, {
      fork: f.fork, chainId: f.chainId, blockHash,
      daoFork: f.mainnetSchedule && f.chainId === 1n && number === MAINNET_DAO_FORK_BLOCK,
      intermediateStateRoots: f.complete, stateRoot: f.complete && f.expected.stateRoot !== undefined,
      // A partial pre-state may lack Prague's request predeploys (EIP-7002/7251): skip their calls then.
      requireSystemContracts: f.complete,
      ...overrides,
      onTx: (i, _tx, res) => {
        if (f.complete) return;
        results[i] = res;
        for (const [addr, slot] of res.readSet.storage) {
          const known = f.knownSlots.get(addr);
          if (known !== undefined && !known.has(slot)) unlisted.push({ tx: i, addr, slot });
        }
        for (const n of res.readSet.blockHashes) {
          if (n < number && n + 256n >= number && !f.blockHashes.has(n)) blockHashMisses.push({ tx: i, n });
        }
      },
    });
  } catch (e) {
    const timeMs = performance.now() - t0;
    if (!(e instanceof InvalidBlockError)) throw e;
    return {
      ...base, gasUsed: 0n, timeMs, gasUsedMatch: false, receiptsRootMatch: null, logsBloomMatch: null,
      transactionsRootMatch: txRoot, stateRootMatch: null, missing: missingReads(unlisted, blockHashMisses, results), pass: false, reason: e.message,
    };
  }
  const timeMs = performance.now() - t0;
  const byzantium = f.fork.eips.has(658);
  const gasUsedMatch = r.gasUsed === f.expected.gasUsed;
  const receiptsRootMatch = (byzantium || f.complete) && f.expected.receiptsRoot !== undefined ? equalBytes(r.receiptsRoot, f.expected.receiptsRoot) : null;
  const logsBloomMatch = f.expected.logsBloom !== undefined ? equalBytes(r.logsBloom, f.expected.logsBloom) : null;
  const stateRootMatch = r.stateRoot !== null && f.expected.stateRoot !== undefined ? equalBytes(r.stateRoot, f.expected.stateRoot) : null;
  const reasons: string[] = [];
  if (!gasUsedMatch) reasons.push(`gas used ${r.gasUsed}, expected ${f.expected.gasUsed}${firstReceiptDiff(r.receipts, f.expected.receipts)}`);
  if (receiptsRootMatch === false) reasons.push(`receipts root ${bytesToHex(r.receiptsRoot)}, expected ${bytesToHex(f.expected.receiptsRoot!)}`);
  if (logsBloomMatch === false) reasons.push('logs bloom differs');
  if (txRoot === false) reasons.push('transactions root of the re-encoded transactions differs');
  if (stateRootMatch === false) reasons.push(`state root ${bytesToHex(r.stateRoot!)}, expected ${bytesToHex(f.expected.stateRoot!)}`);
  const miss = missingReads(unlisted, blockHashMisses, results);
  if (miss.length > 0) reasons.push(`${miss.length} read${miss.length === 1 ? '' : 's'} outside the fixture's pre-state (${miss.slice(0, 3).join('; ')}${miss.length > 3 ? '; ...' : ''})`);
  return {
    ...base, gasUsed: r.gasUsed, timeMs, gasUsedMatch, receiptsRootMatch, logsBloomMatch, transactionsRootMatch: txRoot, stateRootMatch,
    missing: miss, pass: reasons.length === 0, reason: reasons.length === 0 ? null : reasons.join('; '),
  };
}

/** "; first difference at tx N: ..." when per-transaction receipts are expected. */
function firstReceiptDiff(actual: Receipt[], expected: { status?: 0 | 1; cumulativeGasUsed: bigint }[] | undefined): string {
  if (expected === undefined) return '';
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const a = actual[i];
    const e = expected[i];
    if (!a || !e) return `; ${actual.length} receipts, expected ${expected.length}`;
    if (a.cumulativeGasUsed !== e.cumulativeGasUsed || (e.status !== undefined && a.status !== undefined && a.status !== e.status)) {
      const prev = i === 0 ? 0n : actual[i - 1].cumulativeGasUsed;
      const prevE = i === 0 ? 0n : expected[i - 1].cumulativeGasUsed;
      return `; first difference at tx ${i}: gas ${a.cumulativeGasUsed - prev} (status ${a.status ?? '-'}), expected ${e.cumulativeGasUsed - prevE} (status ${e.status ?? '-'})`;
    }
  }
  return '';
}

/**
 * The reads outside the fixture's pre-state, in block order, each once: a slot it does
 * not list (`unlisted`) is missing unless an earlier transaction of `results` wrote it
 * or recreated or deleted its account; a BLOCKHASH it lacks always is.
 */
function missingReads(unlisted: { tx: number; addr: string; slot: string }[], blockHashMisses: { tx: number; n: bigint }[], results: FullTxResult[]): string[] {
  const missing = new Set<string>();
  const written = new Set<string>(); // "addr:slot" written by the transactions before `upTo`
  const fresh = new Set<string>(); // accounts whose storage those recreated or deleted
  let upTo = 0;
  let s = 0;
  let b = 0;
  while (s < unlisted.length || b < blockHashMisses.length) {
    const tx = Math.min(unlisted[s]?.tx ?? Infinity, blockHashMisses[b]?.tx ?? Infinity);
    for (; upTo < tx; upTo++) {
      for (const wr of results[upTo]?.writeSet ?? []) {
        if (wr.deleted || wr.storageCleared) fresh.add(wr.address);
        for (const [slot] of wr.storage) written.add(`${wr.address}:${slot}`);
      }
    }
    for (; s < unlisted.length && unlisted[s].tx === tx; s++) {
      const { addr, slot } = unlisted[s];
      if (!fresh.has(addr) && !written.has(`${addr}:${slot}`)) missing.add(`tx ${tx}: storage 0x${addr} [0x${slot}]`);
    }
    for (; b < blockHashMisses.length && blockHashMisses[b].tx === tx; b++) missing.add(`tx ${tx}: BLOCKHASH(${blockHashMisses[b].n})`);
  }
  return [...missing];
}


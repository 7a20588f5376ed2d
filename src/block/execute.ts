// The sequential block executor: the reference every parallel result must match.
//
// Order of a block's state changes:
//   1. the DAO fork's irregular change (mainnet block 1,920,000 only, EIP-779);
//   2. the EIP-4788 beacon-root system call (Cancun on), then the EIP-2935
//      history-storage system call with the parent hash (Prague on);
//   3. the transactions in order (runTx pays the fee recipient per transaction);
//   4. EIP-4895 withdrawals (Shanghai on);
//   5. the EIP-7685 requests (Prague on): deposits from the transactions' logs
//      (EIP-6110), then the EIP-7002 and EIP-7251 system calls that dequeue withdrawal
//      and consolidation requests;
//   6. the miner and uncle rewards (before Paris).
// Header checks that need no execution live in validate.ts; this file checks what only
// execution can tell (a transaction that cannot be included, block gas and blob gas
// running out) and throws InvalidBlockError for it.

import type { CallResult, Evm, FullTxResult } from '../evm/evm.js';
import type { BlockEnv, Tx } from '../evm/types.js';
import { PRAGUE_SYSTEM, blockReward, type Fork } from '../fork/table.js';
import { orBloom } from '../state/logs.js';
import { createAccount, type WorldState } from '../state/world.js';
import { GAS_PER_BLOB } from '../tx/rules.js';
import { signatureInvalidity } from '../tx/signature.js';
import { bytesToKey, hexToBytes } from '../util/hex.js';
import type { Block, Withdrawal } from './block.js';
import { applyDaoFork } from './dao.js';
import { InvalidBlockError, codeOf } from './errors.js';
import type { BlockHeader } from './header.js';
import { logsBloomOf, logsCount, receiptOf, receiptsRoot, type Receipt } from './receipt.js';
import { depositRequests, requestsHash, type Request } from './requests.js';

/** EIP-4788: the beacon roots contract and the caller of system calls. */
export const BEACON_ROOTS_ADDRESS = hexToBytes('000f3df6d732807ef1319fb7b8bb8522d0beac02');
export const SYSTEM_ADDRESS = hexToBytes('fffffffffffffffffffffffffffffffffffffffe');
const SYSTEM_CALL_GAS = 30_000_000n;
const HISTORY_STORAGE_ADDRESS = hexToBytes(PRAGUE_SYSTEM.historyStorageAddress);
const WITHDRAWAL_REQUEST_ADDRESS = hexToBytes(PRAGUE_SYSTEM.withdrawalRequestAddress);
const CONSOLIDATION_REQUEST_ADDRESS = hexToBytes(PRAGUE_SYSTEM.consolidationRequestAddress);
const MAINNET_DEPOSIT_CONTRACT = hexToBytes(PRAGUE_SYSTEM.depositContractAddress);
const DEPOSIT_EVENT_SIGNATURE = hexToBytes(PRAGUE_SYSTEM.depositEventSignatureHash);
const GWEI = 1_000_000_000n;
/** The EIP that introduced each typed transaction. */
const TYPE_EIP: Record<number, number> = { 1: 2930, 2: 1559, 3: 4844, 4: 7702 };

export interface ExecuteOptions {
  fork: Fork;
  /** Chain id for CHAINID and transaction replay protection (default 1, mainnet). */
  chainId?: bigint;
  /** BLOCKHASH: the hash of an earlier block, or undefined when unknown (reads as zero). */
  blockHash?: (n: bigint) => Uint8Array | undefined;
  /** Apply the DAO fork's state change before the transactions (mainnet block 1,920,000). */
  daoFork?: boolean;
  /**
   * Before Byzantium receipts hold the state root after each transaction. Computing it
   * costs a state root per transaction and means nothing on a partial pre-state, so it
   * can be turned off (the receipts then carry an all-zero root). Default true.
   */
  intermediateStateRoots?: boolean;
  /** Compute the state root at the end (default true). */
  stateRoot?: boolean;
  /**
   * The receipts root of the block's receipts, if the caller has it (the parallel
   * executor hashes the leaves beside its commit); undefined: computed here.
   */
  receiptsRoot?: (receipts: Receipt[]) => Uint8Array | undefined;
  /** Called after each transaction, before the next one runs. */
  onTx?: (index: number, tx: Tx, result: FullTxResult) => void;
  /** EIP-6110: the chain's deposit contract (default mainnet's). */
  depositContract?: Uint8Array;
  /**
   * EIP-7002/7251: a request predeploy without code makes the block invalid
   * (SYSTEM_CONTRACT_EMPTY). A partial pre-state (mainnet fixtures) may simply not
   * hold it: false skips such a call, as EIP-4788's and EIP-2935's are. Default true.
   */
  requireSystemContracts?: boolean;
}

export interface BlockResult {
  receipts: Receipt[];
  /** Per transaction, in block order. */
  results: FullTxResult[];
  gasUsed: bigint;
  blobGasUsed: bigint;
  logsBloom: Uint8Array;
  receiptsRoot: Uint8Array;
  /** Null when options.stateRoot is false. */
  stateRoot: Uint8Array | null;
  /** EIP-7685 (Prague on): the requests by type (deposits, withdrawals, consolidations) and their hash. */
  requests?: Request[];
  requestsHash?: Uint8Array;
}

/** The EVM's view of a block header. */
export function blockEnv(header: BlockHeader, chainId: bigint, blockHash: (n: bigint) => Uint8Array | undefined): BlockEnv {
  return {
    coinbase: header.coinbase,
    number: header.number,
    timestamp: header.timestamp,
    gasLimit: header.gasLimit,
    baseFee: header.baseFeePerGas ?? 0n,
    prevRandao: header.mixHash,
    difficulty: header.difficulty,
    excessBlobGas: header.excessBlobGas ?? 0n,
    chainId,
    blockHash,
  };
}

/**
 * Executes `block` on `state` (mutated in place). Throws InvalidBlockError when a
 * transaction cannot be included; the state is then partly updated and should be
 * dropped (run on a copy).
 */
export function executeBlock(evm: Evm, state: WorldState, block: Block, opts: ExecuteOptions): BlockResult {
  const { fork } = opts;
  const header = block.header;
  const chainId = opts.chainId ?? 1n;
  const env = blockEnv(header, chainId, opts.blockHash ?? (() => undefined));
  const byzantium = fork.eips.has(658);

  if (opts.daoFork) applyDaoFork(state);
  if (fork.eips.has(4788) && header.parentBeaconBlockRoot !== undefined) systemCall(evm, state, env, fork, BEACON_ROOTS_ADDRESS, header.parentBeaconBlockRoot);
  // EIP-2935: the parent hash into the history contract's ring buffer (a contract without code: nothing happens).
  if (fork.eips.has(2935)) systemCall(evm, state, env, fork, HISTORY_STORAGE_ADDRESS, header.parentHash);

  const receipts: Receipt[] = [];
  const results: FullTxResult[] = [];
  const bloom = new Uint8Array(256);
  const maxBlobGas = fork.blobs ? BigInt(fork.blobs.max) * GAS_PER_BLOB : 0n;
  let gasUsed = 0n;
  let blobGasUsed = 0n;
  block.transactions.forEach((tx, i) => {
    const bad = inclusionInvalidity(tx, fork, chainId, env.baseFee);
    if (bad) throw new InvalidBlockError(codeOf(bad), `transaction ${i}: ${bad}`, i);
    if (tx.gasLimit > header.gasLimit - gasUsed) {
      throw new InvalidBlockError('GAS_ALLOWANCE_EXCEEDED', `transaction ${i}: gas limit ${tx.gasLimit} above the ${header.gasLimit - gasUsed} gas left in the block`, i);
    }
    const txBlobGas = BigInt(tx.blobVersionedHashes?.length ?? 0) * GAS_PER_BLOB;
    if (txBlobGas > 0n && blobGasUsed + txBlobGas > maxBlobGas) {
      throw new InvalidBlockError('TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED', `transaction ${i}: ${txBlobGas} blob gas, ${maxBlobGas - blobGasUsed} left in the block`, i);
    }
    const r = evm.runTx(state, env, tx, fork);
    if (r.invalid !== undefined) throw new InvalidBlockError(codeOf(r.invalid), `transaction ${i}: ${r.invalid}`, i);
    gasUsed += r.gasUsed;
    blobGasUsed += txBlobGas;
    // The logs' bloom and encoding come from the interpreter's bytes: the Log objects are made only if someone reads them.
    const txBloom = logsBloomOf(r);
    if (logsCount(r) > 0) orBloom(bloom, txBloom);
    const receipt = receiptOf(tx.type, gasUsed, r, txBloom);
    if (byzantium) receipt.status = r.status === 'success' ? 1 : 0;
    else receipt.postState = opts.intermediateStateRoots === false ? new Uint8Array(32) : state.stateRoot();
    receipts.push(receipt);
    results.push(r);
    opts.onTx?.(i, tx, r);
  });

  if (block.withdrawals) applyWithdrawals(state, block.withdrawals);
  const requests = fork.eips.has(7685) ? blockRequests(evm, state, env, fork, receipts, opts) : undefined;
  payRewards(state, header, block.uncles, fork);

  const result: BlockResult = {
    receipts, results, gasUsed, blobGasUsed, logsBloom: bloom,
    receiptsRoot: opts.receiptsRoot?.(receipts) ?? receiptsRoot(receipts),
    stateRoot: opts.stateRoot === false ? null : state.stateRoot(),
  };
  if (requests) {
    result.requests = requests;
    result.requestsHash = requestsHash(requests);
  }
  return result;
}

/**
 * EIP-7685's requests after the transactions and withdrawals: deposits from the
 * receipts' logs (EIP-6110), then withdrawal requests (EIP-7002) and consolidation
 * requests (EIP-7251), each the output of a system call to its predeploy. Those two
 * calls are checked: a predeploy without code (SYSTEM_CONTRACT_EMPTY) or a call that
 * fails (SYSTEM_CONTRACT_CALL_FAILED) makes the block invalid.
 */
function blockRequests(evm: Evm, state: WorldState, env: BlockEnv, fork: Fork, receipts: Receipt[], opts: ExecuteOptions): Request[] {
  const requests: Request[] = [];
  if (fork.eips.has(6110)) {
    const logs = receipts.flatMap((r) => r.logs);
    requests.push({ type: PRAGUE_SYSTEM.depositRequestType, data: depositRequests(logs, opts.depositContract ?? MAINNET_DEPOSIT_CONTRACT, DEPOSIT_EVENT_SIGNATURE) });
  }
  const checked = (eip: number, type: number, address: Uint8Array) => {
    if (!fork.eips.has(eip)) return;
    const r = systemCall(evm, state, env, fork, address, new Uint8Array(0));
    if (r === null) {
      if (opts.requireSystemContracts === false) return;
      throw new InvalidBlockError('SYSTEM_CONTRACT_EMPTY', `EIP-${eip}: no code at the system contract 0x${bytesToKey(address)}`);
    }
    if (r.status !== 'success') {
      throw new InvalidBlockError('SYSTEM_CONTRACT_CALL_FAILED', `EIP-${eip}: the system call to 0x${bytesToKey(address)} failed (${r.error ?? r.status})`);
    }
    requests.push({ type, data: r.output });
  };
  checked(7002, PRAGUE_SYSTEM.withdrawalRequestType, WITHDRAWAL_REQUEST_ADDRESS);
  checked(7251, PRAGUE_SYSTEM.consolidationRequestType, CONSOLIDATION_REQUEST_ADDRESS);
  return requests;
}

/**
 * Rules on a transaction checked before runTx: the signature forms (EIP-2 low s;
 * EIP-155 chain id) for transactions that carry their signature, which runTx cannot
 * see; and the EIP-1559 fee caps, which runTx checks too but after the intrinsic gas,
 * whereas clients (geth's preCheck) and the blockchain tests' expectException put
 * them first. Returns the reason, or null.
 */
function inclusionInvalidity(tx: Tx, fork: Fork, chainId: bigint, baseFee: bigint): string | null {
  // (An unsupported type is left to runTx, which names it.)
  const supported = tx.type === 0 || fork.eips.has(TYPE_EIP[tx.type]);
  if (fork.eips.has(1559) && supported) {
    if (tx.type >= 2) {
      if (tx.maxPriorityFeePerGas! > tx.maxFeePerGas!) return 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS';
      if (tx.maxFeePerGas! < baseFee) return `INSUFFICIENT_MAX_FEE_PER_GAS: max fee ${tx.maxFeePerGas} below base fee ${baseFee}`;
    } else if (tx.gasPrice! < baseFee) return `INSUFFICIENT_MAX_FEE_PER_GAS: gas price ${tx.gasPrice} below base fee ${baseFee}`;
  }
  const signed = tx as Tx & { s?: bigint; chainId?: bigint | null };
  if (signed.s !== undefined) {
    const bad = signatureInvalidity(signed.s, fork);
    if (bad) return bad;
  }
  if (signed.chainId !== undefined && signed.chainId !== null) {
    if (tx.type === 0 && !fork.eips.has(155)) return 'INVALID_CHAINID: EIP-155 transactions need Spurious Dragon';
    if (signed.chainId !== chainId) return `INVALID_CHAINID: transaction chain id ${signed.chainId}, chain ${chainId}`;
  }
  return null;
}

/**
 * A system call as EIP-4788 defines it (and EIP-2935, EIP-7002 and EIP-7251 reuse): a
 * call from SYSTEM_ADDRESS to `address` with `data`, 30M gas, no fee, outside the
 * block's gas. Returns null, doing nothing, when the contract has no code.
 */
function systemCall(evm: Evm, state: WorldState, env: BlockEnv, fork: Fork, address: Uint8Array, data: Uint8Array): CallResult | null {
  if ((state.peekAccount(bytesToKey(address))?.code.length ?? 0) === 0) return null;
  const prevState = evm.state;
  const prevBlock = evm.block;
  evm.state = state;
  evm.block = env;
  try {
    return evm.runCall({ caller: SYSTEM_ADDRESS, to: address, data, gasLimit: SYSTEM_CALL_GAS, fork });
  } finally {
    evm.state = prevState;
    evm.block = prevBlock;
  }
}

/** EIP-4895: each withdrawal adds `amount` Gwei; an account left empty by it is removed (as a touch would). */
export function applyWithdrawals(state: WorldState, withdrawals: Withdrawal[]): void {
  for (const w of withdrawals) {
    const key = bytesToKey(w.address);
    const a = state.getAccountFields(key);
    if (a === undefined) {
      if (w.amount > 0n) state.putAccount(key, createAccount({ balance: w.amount * GWEI }));
      continue;
    }
    a.balance += w.amount * GWEI;
    if (a.balance === 0n && a.nonce === 0n && a.code.length === 0) state.deleteAccount(key);
  }
}

/** Before Paris: the miner gets the block reward plus 1/32 of it per uncle; an uncle's miner gets (8 - depth)/8 of it. */
function payRewards(state: WorldState, header: BlockHeader, uncles: BlockHeader[], fork: Fork): void {
  const reward = blockReward(fork);
  if (reward === 0n) return;
  credit(state, header.coinbase, reward + (reward / 32n) * BigInt(uncles.length));
  for (const u of uncles) credit(state, u.coinbase, ((u.number + 8n - header.number) * reward) / 8n);
}

function credit(state: WorldState, address: Uint8Array, amount: bigint): void {
  const key = bytesToKey(address);
  const a = state.getAccountFields(key);
  if (a === undefined) state.putAccount(key, createAccount({ balance: amount }));
  else a.balance += amount;
}

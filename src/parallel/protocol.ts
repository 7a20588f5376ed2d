// Messages between the block executor (main thread) and Block-STM workers. Plain
// data and SharedArrayBuffers only, so a Web Worker pool can carry them as well.

import type { FullTxResult } from '../evm/evm.js';
import type { BlockEnv } from '../evm/types.js';
import type { MvBuffers } from './mvmemory.js';
import type { EncodedOutcomes } from './outcome-codec.js';

/** BlockEnv without its function: BLOCKHASH answers as a list. */
export type EnvData = Omit<BlockEnv, 'blockHash'> & { blockHashes: [bigint, Uint8Array][] };

export interface BlockJob {
  type: 'block';
  id: number;
  ctrl: SharedArrayBuffer;
  mv: MvBuffers;
  snapshot: SharedArrayBuffer;
  /** The transactions, encoded once for all workers (tx-codec.ts: encodeTxs, TxList). */
  txs: SharedArrayBuffer;
  env: EnvData;
  fork: string;
  /** Pay the fee recipient as a commit-time delta (needs executeTx's deferCoinbaseFee). */
  deferFees: boolean;
  workers: number;
  /** Keep each result's readSet (the executor's onTx callers use it; recording and shipping it costs). */
  readSets: boolean;
  /**
   * With readSets false: each result's readSet holds only the storage reads that found
   * nothing in the block's pre-state and the BLOCKHASH reads, all that the fixture
   * runner's check of a partial pre-state needs (see MvMemory.snapshotMiss).
   */
  preStateMisses: boolean;
  /**
   * Give up (for sequential execution) when, among the first `conflictWindow`
   * executions (checked from `workers + 2` on), at least `conflictShare` waited for
   * another transaction or were aborted. 0: never.
   */
  conflictWindow: number;
  conflictShare: number;
  /**
   * Stream outcomes while the block runs (a pool with OutcomeStream): every execution's
   * outcome is posted in batches, and the workers advance C_COMMIT_IDX over the
   * validated prefix, so that the main thread commits it while later transactions
   * still execute. Otherwise each worker's final outcomes come with its reply.
   */
  streamOutcomes: boolean;
  /** With streamOutcomes: receipts the committing thread hands over, whose trie leaves idle workers hash (receipts.ts). */
  receipts?: SharedArrayBuffer;
}

/** A batch of streamed outcomes (BlockJob.streamOutcomes), on a worker's outcome port. */
export interface OutcomeBatch {
  id: number;
  outcomes: EncodedOutcomes;
}

export interface WorkerStats {
  /** Incarnations run (each re-execution counts). */
  executions: number;
  validations: number;
  /** Incarnations aborted by a failed validation. */
  validationAborts: number;
  /** Executions abandoned on reading an ESTIMATE of a transaction not in execution. */
  dependencyAborts: number;
  /** Reads that met an ESTIMATE of a transaction in execution and waited for it. */
  estimateWaits: number;
  /** Executions repeated with the fee paid inside, because the transaction reads the fee recipient. */
  coinbaseReexecutions: number;
  /** Milliseconds inside executeTx. */
  executeMs: number;
  /** Milliseconds in the block job (summed over workers like the rest). */
  jobMs: number;
  /** Receipt trie leaves hashed for the committing thread (receipts.ts). */
  receiptLeaves: number;
  /** Bytes of the worker's WASM memory after the block (the largest over the workers, not a sum). */
  wasmMemoryBytes: number;
}

export function emptyStats(): WorkerStats {
  return {
    executions: 0, validations: 0, validationAborts: 0, dependencyAborts: 0, estimateWaits: 0,
    coinbaseReexecutions: 0, executeMs: 0, jobMs: 0, receiptLeaves: 0, wasmMemoryBytes: 0,
  };
}

export interface TxOutcome {
  tx: number;
  /** The incarnation that produced it (streamed outcomes: the commit takes the final one's). */
  inc?: number;
  result: FullTxResult;
  /** The fee went to the recipient as a delta, not inside the write set: the committer pays `fee`. */
  fee?: bigint;
  /** The transfer's recipient (tx.to) is missing from the write set: the committer credits it `credit`. */
  credit?: bigint;
  /** The bloom and RLP encoding of result.logs (when there are logs), computed by the worker for the commit. */
  logsBloom?: Uint8Array;
  encodedLogs?: Uint8Array;
}

export type BlockReply =
  /** `outcomes`: the final incarnations this worker ran, encoded (outcome-codec.ts); null when they were streamed. */
  | { type: 'block-done'; id: number; outcomes: EncodedOutcomes | null; stats: WorkerStats }
  /**
   * `cause`: this worker failed (also when absent), another did (this one stopped), or
   * the block is better run sequentially (conflicts dominate its first executions).
   */
  | { type: 'block-failed'; id: number; cause?: 'error' | 'stopped' | 'gave-up'; message: string; stats: WorkerStats };

// Messages between the block executor (main thread) and Block-STM workers. Plain
// data and SharedArrayBuffers only, so a Web Worker pool can carry them as well.

import type { FullTxResult } from '../evm/evm.js';
import type { BlockEnv, Tx } from '../evm/types.js';
import type { MvBuffers } from './mvmemory.js';

/** BlockEnv without its function: BLOCKHASH answers as a list. */
export type EnvData = Omit<BlockEnv, 'blockHash'> & { blockHashes: [bigint, Uint8Array][] };

export interface BlockJob {
  type: 'block';
  id: number;
  ctrl: SharedArrayBuffer;
  mv: MvBuffers;
  snapshot: SharedArrayBuffer;
  txs: Tx[];
  env: EnvData;
  fork: string;
  /** Pay the fee recipient as a commit-time delta (needs executeTx's deferCoinbaseFee). */
  deferFees: boolean;
  workers: number;
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
  /** Reads of a location known to conflict that first waited for lower transactions in execution. */
  hotWaits: number;
  /** Executions repeated with the fee paid inside, because the transaction reads the fee recipient. */
  coinbaseReexecutions: number;
  /** Idle waits that ended by timeout rather than a wake-up (should stay 0). */
  idleTimeouts: number;
  /** Milliseconds inside executeTx. */
  executeMs: number;
}

export function emptyStats(): WorkerStats {
  return {
    executions: 0, validations: 0, validationAborts: 0, dependencyAborts: 0, estimateWaits: 0, hotWaits: 0,
    coinbaseReexecutions: 0, idleTimeouts: 0, executeMs: 0,
  };
}

export interface TxOutcome {
  tx: number;
  result: FullTxResult;
  /** The fee went to the recipient as a delta, not inside the write set: the committer pays `fee`. */
  fee?: bigint;
}

export type BlockReply =
  | { type: 'block-done'; id: number; outcomes: TxOutcome[]; stats: WorkerStats }
  | { type: 'block-failed'; id: number; message: string; stats: WorkerStats };

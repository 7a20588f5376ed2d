// Word offsets of the Block-STM control block: one Int32Array on a SharedArrayBuffer
// holding the scheduler's counters, the workers' current transactions and a record
// per transaction (layout in README.md, "Control block").

export const C_EXEC_IDX = 0; // next transaction to execute
export const C_VAL_IDX = 1; // next transaction to validate
export const C_DECREASE_CNT = 2; // bumped whenever an index goes down (check_done)
export const C_ACTIVE = 3; // tasks in flight
export const C_DONE = 4;
export const C_WAKE = 5; // bumped (and notified) when new tasks may exist; idle workers wait on it
export const C_ERROR = 6; // a worker failed: everyone stops
export const C_ARENA_TOP = 7; // multi-version memory bump pointer (words)
export const C_LOC_COUNT = 8; // locations allocated
export const C_NTX = 9;
export const C_EXECUTIONS = 10; // incarnations started (the conflict check)
export const C_CONFLICTS = 11; // executions that waited for another transaction, and aborts
export const C_COMMIT_IDX = 12; // transactions final (a validated prefix, streamed commit)
export const C_COMMIT_LOCK = 13; // one worker at a time advances C_COMMIT_IDX
export const C_POSTS = 14; // outcome batches posted (streamed commit)
export const C_MAIN_WAITS = 15; // the main thread sleeps on C_POSTS: notify it (else nobody needs the syscall)
export const C_WORKER_SLOTS = 32; // + worker index: transaction it is executing, -1 none
export const MAX_WORKERS = 64;
export const C_TX_BASE = C_WORKER_SLOTS + MAX_WORKERS;

// Per-transaction record: TX_WORDS words at C_TX_BASE + tx * TX_WORDS.
export const TX_WORDS = 8;
export const T_STATUS = 0; // incarnation * 4 + status
export const T_DEPS_LOCK = 1; // mutex of the dependents list
export const T_DEPS_HEAD = 2; // first transaction waiting on this one, + 1 (0: none)
export const T_DEP_NEXT = 3; // next in the list this transaction waits in, + 1
export const T_READS = 4; // arena word offset of the last incarnation's read log ([length, ...])
export const T_WRITES = 5; // arena word offset of its written locations ([length, ...])
export const T_FLAGS = 6;
export const TF_EXACT_COINBASE = 1; // reads the fee recipient: pay it in the transaction, not as a delta
export const T_FINAL = 7; // incarnation + 1 that was committed (below C_COMMIT_IDX)

export const ST_READY = 0;
export const ST_EXECUTING = 1;
export const ST_EXECUTED = 2;
export const ST_ABORTING = 3;

export function controlWords(n: number): number {
  return C_TX_BASE + n * TX_WORDS;
}

export function txWord(tx: number, field: number): number {
  return C_TX_BASE + tx * TX_WORDS + field;
}

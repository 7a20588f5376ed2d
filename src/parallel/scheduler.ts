// Block-STM's collaborative scheduler (Gelashvili et al., 2022, section 4 and
// Algorithms 4-5) on the shared control block (layout.ts): execution and validation
// indices every worker advances, a status and incarnation per transaction changed
// with compare-and-swap, and per-transaction lists of the transactions waiting on it.
// Idle workers sleep on C_WAKE, which is bumped whenever new tasks may exist.

import { lock, unlock } from './atomics.js';
import {
  C_ACTIVE, C_DECREASE_CNT, C_DONE, C_ERROR, C_EXEC_IDX, C_NTX, C_POSTS, C_VAL_IDX, C_WAKE, ST_ABORTING, ST_EXECUTED, ST_EXECUTING, ST_READY,
  T_DEP_NEXT, T_DEPS_HEAD, T_DEPS_LOCK, T_STATUS, txWord,
} from './layout.js';

export const TASK_EXECUTE = 1;
export const TASK_VALIDATE = 2;

export interface Task {
  kind: typeof TASK_EXECUTE | typeof TASK_VALIDATE;
  tx: number;
  inc: number;
}

export class Scheduler {
  constructor(readonly ctrl: Int32Array, readonly n: number) {}

  status(tx: number): number {
    return Atomics.load(this.ctrl, txWord(tx, T_STATUS));
  }

  private setStatus(tx: number, v: number): void {
    const i = txWord(tx, T_STATUS);
    Atomics.store(this.ctrl, i, v);
    Atomics.notify(this.ctrl, i);
  }

  private casStatus(tx: number, from: number, to: number): boolean {
    const i = txWord(tx, T_STATUS);
    if (Atomics.compareExchange(this.ctrl, i, from, to) !== from) return false;
    Atomics.notify(this.ctrl, i);
    return true;
  }

  done(): boolean {
    return Atomics.load(this.ctrl, C_DONE) !== 0 || Atomics.load(this.ctrl, C_ERROR) !== 0;
  }

  wake(): void {
    Atomics.add(this.ctrl, C_WAKE, 1);
    Atomics.notify(this.ctrl, C_WAKE);
  }

  /** Stops every worker (a failure the executor reports, then runs the block sequentially). */
  fail(): void {
    stopBlock(this.ctrl);
  }

  /** A task ended: when none is left in flight, idle workers must re-check whether the block is done. */
  private taskEnded(): void {
    if (Atomics.sub(this.ctrl, C_ACTIVE, 1) === 1) this.wake();
  }

  private decreaseIndex(which: number, target: number): void {
    const c = this.ctrl;
    for (;;) {
      const cur = Atomics.load(c, which);
      if (cur <= target || Atomics.compareExchange(c, which, cur, target) === cur) break;
    }
    Atomics.add(c, C_DECREASE_CNT, 1);
    this.wake();
  }

  private checkDone(): void {
    const c = this.ctrl;
    const observed = Atomics.load(c, C_DECREASE_CNT);
    if (Math.min(Atomics.load(c, C_EXEC_IDX), Atomics.load(c, C_VAL_IDX)) >= this.n && Atomics.load(c, C_ACTIVE) === 0 &&
        observed === Atomics.load(c, C_DECREASE_CNT)) {
      Atomics.store(c, C_DONE, 1);
      this.wake();
    }
  }

  /** READY(inc) -> EXECUTING(inc); the incarnation, or -1. */
  tryIncarnate(tx: number): number {
    if (tx >= this.n) return -1;
    const s = this.status(tx);
    if ((s & 3) !== ST_READY || !this.casStatus(tx, s, s | ST_EXECUTING)) return -1;
    return s >> 2;
  }

  private nextVersionToExecute(): Task | null {
    const c = this.ctrl;
    if (Atomics.load(c, C_EXEC_IDX) >= this.n) {
      this.checkDone();
      return null;
    }
    Atomics.add(c, C_ACTIVE, 1);
    const tx = Atomics.add(c, C_EXEC_IDX, 1);
    const inc = this.tryIncarnate(tx);
    if (inc < 0) {
      this.taskEnded();
      return null;
    }
    return { kind: TASK_EXECUTE, tx, inc };
  }

  private nextVersionToValidate(): Task | null {
    const c = this.ctrl;
    if (Atomics.load(c, C_VAL_IDX) >= this.n) {
      this.checkDone();
      return null;
    }
    Atomics.add(c, C_ACTIVE, 1);
    const tx = Atomics.add(c, C_VAL_IDX, 1);
    if (tx < this.n) {
      const s = this.status(tx);
      if ((s & 3) === ST_EXECUTED) return { kind: TASK_VALIDATE, tx, inc: s >> 2 };
    }
    this.taskEnded();
    return null;
  }

  /** No index points into the block: no task until one decreases. */
  exhausted(): boolean {
    const c = this.ctrl;
    return Atomics.load(c, C_EXEC_IDX) >= this.n && Atomics.load(c, C_VAL_IDX) >= this.n;
  }

  nextTask(): Task | null {
    const c = this.ctrl;
    if (Atomics.load(c, C_VAL_IDX) < Atomics.load(c, C_EXEC_IDX)) return this.nextVersionToValidate();
    return this.nextVersionToExecute();
  }

  /**
   * Transaction `tx` read an ESTIMATE of `blocking`: unless `blocking` has executed
   * meanwhile (then false: read again), `tx` waits in its list and this task ends.
   */
  addDependency(tx: number, inc: number, blocking: number): boolean {
    const c = this.ctrl;
    lock(c, txWord(blocking, T_DEPS_LOCK));
    if ((this.status(blocking) & 3) === ST_EXECUTED) {
      unlock(c, txWord(blocking, T_DEPS_LOCK));
      return false;
    }
    this.setStatus(tx, (inc << 2) | ST_ABORTING);
    c[txWord(tx, T_DEP_NEXT)] = c[txWord(blocking, T_DEPS_HEAD)];
    c[txWord(blocking, T_DEPS_HEAD)] = tx + 1;
    unlock(c, txWord(blocking, T_DEPS_LOCK));
    this.taskEnded();
    return true;
  }

  /** ABORTING(inc) -> READY(inc + 1). */
  private setReady(tx: number): void {
    const s = this.status(tx);
    this.setStatus(tx, ((s >> 2) + 1) << 2 | ST_READY);
  }

  /** Returns a validation task for `tx` or null (see the paper's finish_execution). */
  finishExecution(tx: number, inc: number, wroteNewLocation: boolean): Task | null {
    const c = this.ctrl;
    this.setStatus(tx, (inc << 2) | ST_EXECUTED);
    lock(c, txWord(tx, T_DEPS_LOCK));
    let d = c[txWord(tx, T_DEPS_HEAD)];
    c[txWord(tx, T_DEPS_HEAD)] = 0;
    unlock(c, txWord(tx, T_DEPS_LOCK));
    let minDep = Infinity;
    while (d !== 0) {
      const dep = d - 1;
      d = c[txWord(dep, T_DEP_NEXT)];
      this.setReady(dep);
      if (dep < minDep) minDep = dep;
    }
    if (minDep !== Infinity) this.decreaseIndex(C_EXEC_IDX, minDep);
    if (Atomics.load(c, C_VAL_IDX) > tx) {
      if (wroteNewLocation) this.decreaseIndex(C_VAL_IDX, tx);
      else return { kind: TASK_VALIDATE, tx, inc };
    }
    this.taskEnded();
    return null;
  }

  /** EXECUTED(inc) -> ABORTING(inc): true if this validation is the one that aborts it. */
  tryValidationAbort(tx: number, inc: number): boolean {
    return this.casStatus(tx, (inc << 2) | ST_EXECUTED, (inc << 2) | ST_ABORTING);
  }

  finishValidation(tx: number, aborted: boolean): Task | null {
    if (aborted) {
      this.setReady(tx);
      this.decreaseIndex(C_VAL_IDX, tx + 1);
      if (Atomics.load(this.ctrl, C_EXEC_IDX) > tx) {
        const inc = this.tryIncarnate(tx);
        if (inc >= 0) return { kind: TASK_EXECUTE, tx, inc };
      }
    }
    this.taskEnded();
    return null;
  }

  isExecuting(tx: number): boolean {
    return (this.status(tx) & 3) === ST_EXECUTING;
  }
}

/**
 * Stops a block's workers through its control block, from any thread: they leave their
 * task loops, those asleep (idle, or waiting on another transaction) woken.
 */
export function stopBlock(ctrl: Int32Array): void {
  Atomics.store(ctrl, C_ERROR, 1);
  Atomics.add(ctrl, C_WAKE, 1);
  Atomics.notify(ctrl, C_WAKE);
  // A streamed commit's main thread sleeps on C_POSTS: bumped, it does not sleep on after this.
  Atomics.add(ctrl, C_POSTS, 1);
  Atomics.notify(ctrl, C_POSTS);
  const n = Atomics.load(ctrl, C_NTX);
  for (let tx = 0; tx < n; tx++) Atomics.notify(ctrl, txWord(tx, T_STATUS));
}

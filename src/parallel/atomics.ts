// Small shared-memory primitives over an Int32Array on a SharedArrayBuffer: a
// futex-style mutex (0 free, 1 locked, 2 locked with waiters; Drepper, "Futexes are
// tricky", mutex 3) and a spin-then-sleep wait for a word to change.

const SPINS = 64;

export function lock(a: Int32Array, i: number): void {
  let c = Atomics.compareExchange(a, i, 0, 1);
  if (c === 0) return;
  for (let s = 0; s < SPINS && c === 1; s++) {
    c = Atomics.compareExchange(a, i, 0, 1);
    if (c === 0) return;
  }
  if (c !== 2) c = Atomics.exchange(a, i, 2);
  while (c !== 0) {
    Atomics.wait(a, i, 2);
    c = Atomics.exchange(a, i, 2);
  }
}

/** Takes the mutex if it is free; false if another holds it. */
export function tryLock(a: Int32Array, i: number): boolean {
  return Atomics.compareExchange(a, i, 0, 1) === 0;
}

export function unlock(a: Int32Array, i: number): void {
  if (Atomics.sub(a, i, 1) !== 1) {
    Atomics.store(a, i, 0);
    Atomics.notify(a, i, 1);
  }
}

/** Sleeps until a[i] is no longer `value` (or `timeoutMs` passes). */
export function waitWhile(a: Int32Array, i: number, value: number, timeoutMs = Infinity): void {
  for (let s = 0; s < SPINS; s++) if (Atomics.load(a, i) !== value) return;
  Atomics.wait(a, i, value, timeoutMs);
}

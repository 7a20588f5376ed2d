// Shrinks a mismatching case: drops transaction extras, accounts, storage and program
// units (chunks, then single units) while the mismatch persists.

import type { FuzzCase, Unit } from './generate.js';

/** Returns true when the case still shows the mismatch being minimised. */
export type Check = (f: FuzzCase) => Promise<boolean>;

export async function minimise(start: FuzzCase, check: Check, budget = 600): Promise<FuzzCase> {
  let best = start;
  let left = budget;
  const attempt = async (f: FuzzCase): Promise<boolean> => {
    if (left-- <= 0) return false;
    if (await check(f)) {
      best = f;
      return true;
    }
    return false;
  };
  const withTx = (p: Partial<FuzzCase['tx']>): FuzzCase => ({ ...best, tx: { ...best.tx, ...p } });

  // The transaction: no value, no data, no access list, a legacy type.
  if (best.tx.value !== 0n) await attempt(withTx({ value: 0n }));
  if (best.tx.data.length) await attempt(withTx({ data: [] }));
  if (best.tx.accessList.length) await attempt(withTx({ accessList: [] }));
  if (best.tx.type !== 0) await attempt(withTx({ type: 0, accessList: [] }));
  // Accounts and their storage.
  for (let i = best.accounts.length - 1; i >= 1; i--) {
    await attempt({ ...best, accounts: best.accounts.filter((_, j) => j !== i) });
  }
  for (let i = 0; i < best.accounts.length; i++) {
    for (let s = best.accounts[i].storage.length - 1; s >= 0; s--) {
      await attempt(withAccount(best, i, { storage: best.accounts[i].storage.filter((_, j) => j !== s) }));
    }
    if (best.accounts[i].balance !== 0n && i > 0) await attempt(withAccount(best, i, { balance: 0n }));
  }
  // Programs: contract code, then the creation's initcode and runtime.
  for (let i = 0; i < best.accounts.length; i++) {
    const units = best.accounts[i].units;
    if (!units) continue;
    await shrinkUnits(units, (u) => withAccount(best, i, { units: u }), attempt);
  }
  if (best.tx.initUnits) await shrinkUnits(best.tx.initUnits, (u) => withTx({ initUnits: u }), attempt);
  if (best.tx.runtime?.length) await attempt(withTx({ runtime: [] }));
  // Less gas, as long as it still shows.
  for (let g = best.tx.gasExtra / 2n; g > 1000n; g /= 2n) if (!(await attempt(withTx({ gasExtra: g })))) break;
  return best;
}

function withAccount(f: FuzzCase, i: number, p: Partial<FuzzCase['accounts'][number]>): FuzzCase {
  return { ...f, accounts: f.accounts.map((a, j) => (j === i ? { ...a, ...p } : a)) };
}

/** ddmin-style: remove chunks of halving size, keeping each removal that keeps the mismatch. */
async function shrinkUnits(start: Unit[], make: (u: Unit[]) => FuzzCase, attempt: (f: FuzzCase) => Promise<boolean>): Promise<void> {
  let units = start;
  if (units.length && (await attempt(make([])))) return;
  for (let size = Math.max(1, units.length >> 1); size >= 1; size >>= 1) {
    for (let i = 0; i < units.length;) {
      const next = [...units.slice(0, i), ...units.slice(i + size)];
      if (await attempt(make(next))) units = next;
      else i += size;
    }
  }
}

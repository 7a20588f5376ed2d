// What this JavaScript host offers for parallel execution. Blocking waits
// (Atomics.wait) are only allowed in workers, and SharedArrayBuffer only exists in a
// cross-origin isolated page (served with COOP: same-origin and COEP: require-corp).

export interface HostSupport {
  /** A browser page or worker (not Node). */
  browser: boolean;
  /** The page is cross-origin isolated (always true in Node). */
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  /** Module workers can be started (Web Workers in a page, worker_threads in Node). */
  workers: boolean;
  /** Logical cores the host reports. */
  cores: number;
  /** Blocks can run on several workers. */
  parallel: boolean;
  /** Why not, in a sentence a person can read (null when parallel). */
  reason: string | null;
}

export function hostSupport(): HostSupport {
  const g = globalThis as typeof globalThis & { crossOriginIsolated?: boolean; Worker?: unknown; process?: { versions?: { node?: string } } };
  const browser = typeof g.process?.versions?.node !== 'string' && typeof g.navigator !== 'undefined';
  const sab = typeof SharedArrayBuffer === 'function';
  const isolated = browser ? g.crossOriginIsolated === true : true;
  const workers = browser ? typeof g.Worker === 'function' : true;
  const cores = Math.max(1, (typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : 0) || 1);
  let reason: string | null = null;
  if (!sab || !isolated) {
    reason = 'the page is not cross-origin isolated, so there is no SharedArrayBuffer: blocks run sequentially on this thread ' +
      '(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  } else if (!workers) reason = 'this host cannot start workers: blocks run sequentially';
  return { browser, crossOriginIsolated: isolated, sharedArrayBuffer: sab, workers, cores, parallel: reason === null, reason };
}

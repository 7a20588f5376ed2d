// Shared buffers of finished blocks, kept for the next block's same use. A new
// SharedArrayBuffer of megabytes is not free: its pages fault in on first touch, and
// the collector of every isolate that sees it accounts for it. Measured on this VM,
// the snapshot of workload (c) (a fresh state's first image): a median of 8.5 ms over
// 8 blocks in a new buffer, 4.3 ms in a reused one (the same words written).

/** One kind of buffer: the largest given back is kept; take() hands it out again, or makes a new one. */
export class SpareBuffer {
  private kept: SharedArrayBuffer | null = null;

  /**
   * A buffer of at least `bytes`: the kept one if it is large enough (holding what
   * its last block left: the caller writes or clears what it reads), else a new one,
   * zeroed, with a quarter more room so that a slightly larger next block reuses it.
   */
  take(bytes: number): SharedArrayBuffer {
    const kept = this.kept;
    if (kept !== null && kept.byteLength >= bytes) {
      this.kept = null;
      return kept;
    }
    return new SharedArrayBuffer(8 * Math.ceil((bytes + (bytes >> 2)) / 8));
  }

  /** Keeps `buf`, which no worker touches any more, if it is larger than the one kept. */
  give(buf: SharedArrayBuffer): void {
    if (this.kept === null || this.kept.byteLength < buf.byteLength) this.kept = buf;
  }
}

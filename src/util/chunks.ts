// Small byte arrays that live as long as a block's results (write-set bytes, logs
// blooms) handed out as views of shared 64 KiB chunks. A Uint8Array of more than 64
// bytes gets a backing store of its own, which costs its allocation and which the
// garbage collector frees one by one: one per transaction was a few per cent of a
// block of plain transfers. A chunk lives while any view of it does, and a structured
// clone of a view (postMessage) copies its whole chunk.

const CHUNK = 1 << 16;

export class ByteChunks {
  private chunk = new Uint8Array(CHUNK);
  private used = 0;

  /** A view of `len` zero bytes of its own (larger requests get an array of their own). */
  zeroed(len: number): Uint8Array {
    if (len > CHUNK / 4) return new Uint8Array(len);
    return this.take(len);
  }

  /** A view holding a copy of `len` bytes of `buf` from `start`. */
  copy(buf: Uint8Array, start: number, len: number): Uint8Array {
    if (len > CHUNK / 4) return buf.slice(start, start + len);
    const v = this.take(len);
    if (len <= 32) for (let i = 0; i < len; i++) v[i] = buf[start + i];
    else v.set(buf.subarray(start, start + len));
    return v;
  }

  private take(len: number): Uint8Array {
    if (this.used + len > CHUNK) {
      this.chunk = new Uint8Array(CHUNK);
      this.used = 0;
    }
    const at = this.used;
    this.used += len;
    return new Uint8Array(this.chunk.buffer, at, len);
  }
}

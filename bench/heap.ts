// A timed run starts from a copy of its block's pre-state made just before it. Left in
// V8's young generation, that copy is carried by the first scavenges inside the timed
// run (every live object copied once or twice, then promoted): a cost of the set-up,
// not of executing the block, and one that falls unevenly, on the run that allocates
// most on this thread (measured: sequential runs of (a)-(c) 7-20% slower with the copy
// young, Block-STM runs 0-14%). Two scavenges move it to the old generation first, where
// a long-lived state would be.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
// A context made after the flag has `gc`; the main one had none.
const gc = runInNewContext('gc') as (options: { type: 'minor' | 'major'; execution: 'sync' }) => void;

/** Promotes what is alive now (the set-up of the next timed run) out of the young generation. */
export function promoteSetUp(): void {
  gc({ type: 'minor', execution: 'sync' });
  gc({ type: 'minor', execution: 'sync' });
}

// The precompiled contracts of Frontier through Osaka, one file per address.
// Each is a pair of pure functions: `gas` prices the input without doing the
// work, `run` does it (and is called only once the caller has paid).
import { InputError } from '../util/hex.js';
import { ecrecover } from './01-ecrecover.js';
import { sha256 } from './02-sha256.js';
import { ripemd160 } from './03-ripemd160.js';
import { identity } from './04-identity.js';
import { modexp } from './05-modexp.js';
import { bn254Add } from './06-bn254-add.js';
import { bn254Mul } from './07-bn254-mul.js';
import { bn254Pairing } from './08-bn254-pairing.js';
import { blake2f } from './09-blake2f.js';
import { pointEvaluation } from './0a-point-evaluation.js';
import { blsG1Add } from './0b-bls12-g1add.js';
import { blsG1Msm } from './0c-bls12-g1msm.js';
import { blsG2Add } from './0d-bls12-g2add.js';
import { blsG2Msm } from './0e-bls12-g2msm.js';
import { blsPairing } from './0f-bls12-pairing.js';
import { blsMapFpToG1 } from './10-bls12-map-fp-to-g1.js';
import { blsMapFp2ToG2 } from './11-bls12-map-fp2-to-g2.js';
import { p256Verify } from './100-p256verify.js';

export interface PrecompileRules {
  fork: string;
  /** Berlin+: modexp pricing of EIP-2565 instead of EIP-198. */
  eip2565: boolean;
  /** Istanbul+: bn254 add/mul/pairing repriced by EIP-1108. */
  eip1108: boolean;
  /** Osaka+: modexp base, exponent and modulus lengths capped at 1024 bytes (EIP-7823). */
  eip7823: boolean;
  /** Osaka+: modexp repriced by EIP-7883 (minimum 500, no division by 3, 16 per exponent byte past 32). */
  eip7883: boolean;
}

export interface Precompile {
  name: string;
  /**
   * Gas required for this input; must be cheap and must never do the expensive work
   * (a modexp with a huge declared length prices in microseconds without allocating it).
   * May exceed 2^64.
   */
  gas(input: Uint8Array, rules: PrecompileRules): bigint;
  /** The output, or null when the input is invalid (the call fails and consumes all gas given). Called only after gas was paid. */
  run(input: Uint8Array, rules: PrecompileRules): Uint8Array | null;
}

// TODO(lead): point at FORK_NAMES of src/fork/table.ts once the fork table settles.
export const PRECOMPILE_FORKS = [
  'Frontier', 'Homestead', 'TangerineWhistle', 'SpuriousDragon', 'Byzantium', 'Constantinople',
  'Petersburg', 'Istanbul', 'MuirGlacier', 'Berlin', 'London', 'ArrowGlacier', 'GrayGlacier',
  'Paris', 'Shanghai', 'Cancun', 'Prague', 'Osaka',
] as const;

/** Address number, contract, and the fork that activated it. */
const ACTIVATIONS: ReadonlyArray<readonly [number, Precompile, (typeof PRECOMPILE_FORKS)[number]]> = [
  [0x01, ecrecover, 'Frontier'],
  [0x02, sha256, 'Frontier'],
  [0x03, ripemd160, 'Frontier'],
  [0x04, identity, 'Frontier'],
  [0x05, modexp, 'Byzantium'], // EIP-198
  [0x06, bn254Add, 'Byzantium'], // EIP-196
  [0x07, bn254Mul, 'Byzantium'], // EIP-196
  [0x08, bn254Pairing, 'Byzantium'], // EIP-197
  [0x09, blake2f, 'Istanbul'], // EIP-152
  [0x0a, pointEvaluation, 'Cancun'], // EIP-4844
  [0x0b, blsG1Add, 'Prague'], // EIP-2537
  [0x0c, blsG1Msm, 'Prague'], // EIP-2537
  [0x0d, blsG2Add, 'Prague'], // EIP-2537
  [0x0e, blsG2Msm, 'Prague'], // EIP-2537
  [0x0f, blsPairing, 'Prague'], // EIP-2537
  [0x10, blsMapFpToG1, 'Prague'], // EIP-2537
  [0x11, blsMapFp2ToG2, 'Prague'], // EIP-2537
  [0x100, p256Verify, 'Osaka'], // EIP-7951
];

function forkIndex(fork: string): number {
  const i = (PRECOMPILE_FORKS as readonly string[]).indexOf(fork);
  if (i < 0) throw new InputError(`precompiles: unknown fork ${JSON.stringify(fork)}`);
  return i;
}

/** The pricing rules a fork applies to precompiles. */
export function precompileRules(fork: string): PrecompileRules {
  const i = forkIndex(fork);
  const osaka = i >= forkIndex('Osaka');
  return { fork, eip2565: i >= forkIndex('Berlin'), eip1108: i >= forkIndex('Istanbul'), eip7823: osaka, eip7883: osaka };
}

const byFork = new Map<string, Map<number, Precompile>>();

/** Precompiles active at a fork, by address number (1..0x11, and 0x100 from Osaka). The map is shared: do not mutate it. */
export function precompilesFor(fork: string): Map<number, Precompile> {
  let m = byFork.get(fork);
  if (m === undefined) {
    const i = forkIndex(fork);
    m = new Map();
    for (const [address, contract, since] of ACTIVATIONS) if (i >= forkIndex(since)) m.set(address, contract);
    byFork.set(fork, m);
  }
  return m;
}

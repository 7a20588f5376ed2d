// Why a block is invalid. Codes are execution-spec-tests exception names without
// their class prefix (INTRINSIC_GAS_TOO_LOW, INVALID_STATE_ROOT, RLP_INVALID_ADDRESS,
// ...), so blockchain tests can compare them with `expectException`.

export class InvalidBlockError extends Error {
  override name = 'InvalidBlockError';
  constructor(
    readonly code: string,
    detail: string,
    /** The transaction that made the block invalid, if one did. */
    readonly txIndex?: number,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Codes runTx writes that execution-spec-tests names otherwise. */
const ALIASES: Record<string, string> = {
  // unsupported transaction types, named as retesteth did
  TR_TypeNotSupported: 'TYPE_NOT_SUPPORTED',
  // EIP-7825: TransactionException.GAS_LIMIT_EXCEEDS_MAXIMUM
};

/** The code at the start of a "CODE: detail" message, as transaction and RLP errors write them. */
export function codeOf(message: string): string {
  const m = /^([A-Za-z0-9_]+)(:|$)/.exec(message);
  if (!m) return 'UNKNOWN';
  return ALIASES[m[1]] ?? m[1];
}

// Command-line arguments of the bench scripts: `--name N` flags whose value is a
// positive whole number, and the positional arguments (neither a flag nor the value
// of one that takes a value).

/** The value of `--name N` in `args`, or `fallback` when the flag is absent; a value that is not a positive integer is refused. */
export function intFlag(name: string, fallback: number, args: readonly string[] = process.argv.slice(2)): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} needs a positive integer, got ${args[i + 1] ?? 'nothing'}`);
  return v;
}

/** The arguments that are neither flags nor the values of `valueFlags` (the flags that take one). */
export function positionals(valueFlags: readonly string[], args: readonly string[] = process.argv.slice(2)): string[] {
  return args.filter((a, i) => !a.startsWith('--') && (i === 0 || !valueFlags.includes(args[i - 1])));
}

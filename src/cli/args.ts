// Flags as a person types them: every problem becomes one line that names the flag, and exit 2.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** A problem with what was typed (a flag, a file given on the command line): one line, exit 2. */
export class UsageError extends Error {
  /** the command it is about, e.g. `wal verify` (the top level fills in the command's name) */
  command?: string;
  constructor(
    message: string,
    /** point at --help (an unknown option, a missing value) */
    readonly seeHelp = false,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs (strict), with its errors turned into one line each, and `--flag -1` read
 * as the value -1 (parseArgs calls it ambiguous) so the flag's own check can say what is wrong.
 */
export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const opt = a.startsWith('--') ? options[a.slice(2)] : undefined;
    if (opt?.type === 'string' && i + 1 < args.length && /^-[\d.]/.test(args[i + 1])) joined.push(`${a}=${args[++i]}`);
    else joined.push(a);
  }
  try {
    return parseArgs({ args: joined, options, allowPositionals, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (!err.code?.startsWith('ERR_PARSE_ARGS')) throw e;
    const name = /'([^' ]+)/.exec(err.message)?.[1] ?? '';
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${name}`, true);
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument ${JSON.stringify(name)}`, true);
    if (/argument missing/.test(err.message)) throw new UsageError(`${name} needs a value`, true);
    if (/does not take an argument/.test(err.message)) throw new UsageError(`${name} takes no value`, true);
    throw new UsageError(err.message.split('\n')[0], true);
  }
}

/** An integer flag in lo..hi (a plain decimal; 1e3 is accepted, 2.5 and "abc" are not). */
export function intFlag(flag: string, v: string, lo: number, hi: number, what = 'an integer'): number {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw new UsageError(`--${flag} must be ${what} from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
  return n;
}

/** A number flag in lo..hi. */
export function numFlag(flag: string, v: string, lo: number, hi: number, what = 'a number'): number {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi) throw new UsageError(`--${flag} must be ${what} from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
  return n;
}

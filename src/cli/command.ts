import type { CliContext } from './context.js';
import { UsageError } from './errors.js';

export type OptionValue = string | boolean | string[] | undefined;

export interface CommandArgs {
  /** Positional arguments after the command name(s). */
  positionals: string[];
  values: Record<string, OptionValue>;
}

export interface Command {
  /** As typed: "queue", "series add". */
  name: string;
  /** The synopsis after the program name, e.g. "series add <key> [--folder NAME]". */
  usage: string;
  summary: string;
  /** Names of the command's own options (besides --url, --token, --json, --help). */
  options: readonly string[];
  run(ctx: CliContext, args: CommandArgs): Promise<void>;
}

export const PROGRESS_TYPES = ['DOWNLOAD', 'SCAN', 'QUEUE', 'SYSTEM', 'ERROR'] as const;
export const PROGRESS_STATUSES = ['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

/** "DOWNLOAD,scan" (given once or several times) → ['DOWNLOAD', 'SCAN'], checked against `allowed`. */
export function parseEnumList<T extends string>(value: OptionValue, allowed: readonly T[], option: string, command: string): T[] | undefined {
  if (value === undefined) return undefined;
  const raw = (Array.isArray(value) ? value : [String(value)]).flatMap((v) => v.split(','));
  const out: T[] = [];
  for (const item of raw.map((v) => v.trim().toUpperCase()).filter(Boolean)) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new UsageError(`--${option}: unknown value "${item}" (one of ${allowed.join(', ')})`, command);
    }
    if (!out.includes(item as T)) out.push(item as T);
  }
  if (out.length === 0) throw new UsageError(`--${option} needs a value (one of ${allowed.join(', ')})`, command);
  return out;
}

/** A whole number option within [min, max]. */
export function parseIntOption(value: OptionValue, option: string, command: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.at(-1) : String(value);
  const n = Number(text);
  if (!text || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${option} must be a whole number from ${min} to ${max}, got "${text}"`, command);
  }
  return n;
}

/** Exactly `names.length` positionals (optional ones marked with a trailing "?"). */
export function expectPositionals(args: CommandArgs, names: readonly string[], command: string): (string | undefined)[] {
  const required = names.filter((n) => !n.endsWith('?')).length;
  if (args.positionals.length < required) {
    throw new UsageError(`missing <${names[args.positionals.length]!.replace(/\?$/, '')}>`, command);
  }
  if (args.positionals.length > names.length) {
    throw new UsageError(`unexpected argument "${args.positionals[names.length]}"`, command);
  }
  return names.map((_, i) => args.positionals[i]);
}

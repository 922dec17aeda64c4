/**
 * The command-line client: `anime-progress <command> [options]` (npm run cli -- <command>).
 * Every command talks to the service through the project's typed client (src/client).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { distance } from 'fastest-levenshtein';
import { backup } from './commands/backup.js';
import { cancel, clear, retry, start, stop } from './commands/queue-control.js';
import { auto, limit, move, pause, resume, search } from './commands/automation.js';
import { enqueue } from './commands/enqueue.js';
import { webhookAdd, webhookList, webhookRemove, webhookTest } from './commands/webhook.js';
import { history } from './commands/history.js';
import { library } from './commands/library.js';
import { queue } from './commands/queue.js';
import { scan } from './commands/scan.js';
import { seriesAdd } from './commands/series-add.js';
import { watch } from './commands/watch.js';
import type { Command, CommandArgs } from './command.js';
import { createContext, resolveUrl } from './context.js';
import { classifyError, describeError, EXIT, UsageError } from './errors.js';
import { commandUsage, generalUsage } from './usage.js';

export const COMMANDS: readonly Command[] = [
  watch, seriesAdd, search, scan, library, auto, queue, enqueue, cancel, pause, resume, move, retry, clear, start, stop, limit,
  history, webhookAdd, webhookList, webhookRemove, webhookTest, backup,
];

const GLOBAL_OPTIONS = ['url', 'token', 'json', 'help'];

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  folder: { type: 'string' },
  wait: { type: 'boolean' },
  missing: { type: 'boolean' },
  type: { type: 'string', multiple: true },
  types: { type: 'string', multiple: true },
  status: { type: 'string', multiple: true },
  limit: { type: 'string' },
  'exit-when-idle': { type: 'boolean' },
  plain: { type: 'boolean' },
  secret: { type: 'string' },
  replace: { type: 'boolean' },
  'data-dir': { type: 'string' },
  force: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

/** Finds the command named by the first positional(s): "queue", "series add". */
function findCommand(positionals: string[]): { command: Command; rest: string[] } | null {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((w, i) => positionals[i] === w)) return { command, rest: positionals.slice(words.length) };
  }
  return null;
}

/** Most edits between a typo and the command meant ("stat" → "start", "histroy" → "history"). */
const MAX_TYPO_DISTANCE = 2;

/**
 * The commands an unknown one was probably meant to be: same first word ("series" → "series add"),
 * or a name within a couple of typos, or one that starts with what was typed.
 */
export function suggestCommands(positionals: readonly string[]): string[] {
  const typed = positionals[0]?.toLowerCase() ?? '';
  if (!typed) return [];
  const scored = COMMANDS.map((c) => {
    const first = c.name.split(' ')[0]!;
    const d = first === typed ? 0 : first.startsWith(typed) && typed.length >= 2 ? 1 : distance(typed, first);
    return { name: c.name, d };
  }).filter((s) => s.d <= Math.min(MAX_TYPO_DISTANCE, Math.max(1, Math.floor(typed.length / 2))));
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).map((s) => s.name);
}

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    // An unknown option or a missing value: say which, with the usage.
    process.stderr.write(`error: ${(err as Error).message}\n\n${generalUsage(COMMANDS)}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0 || positionals[0] === 'help') {
    const helpFor = positionals[0] === 'help' ? findCommand(positionals.slice(1)) : null;
    if (positionals.length === 0 && !values.help) {
      process.stderr.write(`error: no command given\n\n${generalUsage(COMMANDS)}\n`);
      return EXIT.USAGE;
    }
    process.stdout.write(`${helpFor ? commandUsage(helpFor.command) : generalUsage(COMMANDS)}\n`);
    return EXIT.OK;
  }
  const found = findCommand(positionals);
  if (!found) {
    const guesses = suggestCommands(positionals);
    const hint = guesses.length ? ` (did you mean ${guesses.map((g) => `"${g}"`).join(' or ')}?)` : '';
    process.stderr.write(`error: unknown command "${positionals.join(' ')}"${hint}\n\n${generalUsage(COMMANDS)}\n`);
    return EXIT.USAGE;
  }
  const { command, rest } = found;
  if (values.help) {
    process.stdout.write(`${commandUsage(command)}\n`);
    return EXIT.OK;
  }
  const url = resolveUrl(values.url);
  const token = values.token ?? (process.env.API_TOKEN?.trim() || undefined);
  const ctx = createContext({ url, token, json: values.json === true });
  try {
    const foreign = Object.keys(values).filter((k) => !GLOBAL_OPTIONS.includes(k) && !command.options.includes(k));
    if (foreign.length) throw new UsageError(`"${command.name}" has no option --${foreign[0]}`, command.name);
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--url "${url}" is not a URL (e.g. http://127.0.0.1:4000/graphql)`, command.name);
    }
    const args: CommandArgs = { positionals: rest, values };
    await command.run(ctx, args);
    return EXIT.OK;
  } catch (err) {
    const { code, message } = describeError(classifyError(err, { url, token }));
    process.stderr.write(`${message}\n`);
    if (code === EXIT.USAGE) process.stderr.write(`\n${commandUsage(command)}\n`);
    return code;
  } finally {
    await ctx.close().catch(() => {});
    // Nothing should be left open; if something is, do not hang the shell.
    setTimeout(() => process.exit(), 2_000).unref();
  }
}

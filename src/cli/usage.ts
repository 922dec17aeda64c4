import type { Command } from './command.js';
import { resolveUrl } from './context.js';

export const PROGRAM = 'anime-progress';

/** The general help; the default URL shown is the one this environment gives (HOST, PORT). */
export function generalUsage(commands: readonly Command[], env: NodeJS.ProcessEnv = process.env): string {
  return [
    `Usage: ${PROGRAM} <command> [options]        (from a checkout: npm run cli -- <command>)`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'Options for every command:',
    '  --url URL      the service\'s GraphQL endpoint (default http://$HOST:$PORT/graphql,',
    `                 here ${resolveUrl(undefined, env)})`,
    '  --token TOKEN  the service\'s API token (default $API_TOKEN)',
    '  --json         machine-readable output (watch: one JSON event per line)',
    '  -h, --help     this help',
    '',
    'Exit codes: 0 success, 1 the operation failed, 2 bad usage,',
    '            3 cannot reach the service or it refused the token.',
  ].join('\n');
}

export function commandUsage(command: Command): string {
  return [`Usage: ${PROGRAM} ${command.usage} [--url URL] [--token TOKEN] [--json]`, '', `  ${command.summary}`].join('\n');
}

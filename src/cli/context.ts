import { createProgressClient, type ProgressClient } from '../client/index.js';

/** What every command gets: the typed client, where it points, and how to print. */
export interface CliContext {
  readonly url: string;
  readonly token: string | undefined;
  /** --json: print machine-readable JSON instead of tables and sentences. */
  readonly json: boolean;
  /** The typed client, created on first use. */
  readonly client: ProgressClient;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Prints a line to stdout. */
  print(text: string): void;
  /** Prints `value` as JSON to stdout. */
  printJson(value: unknown): void;
  /** Prints a line to stderr. */
  warn(text: string): void;
}

export const DEFAULT_PORT = 4000;

/** --url, else http://HOST:PORT/graphql from the environment (as the service reads them), else the local default. */
export function resolveUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  let host = env.HOST?.trim() || '127.0.0.1';
  // A service bound to every interface is reached on loopback.
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  const port = env.PORT?.trim() || String(DEFAULT_PORT);
  return `http://${host}:${port}/graphql`;
}

export function createContext(options: { url: string; token: string | undefined; json: boolean }): CliContext & { close(): Promise<void> } {
  let client: ProgressClient | null = null;
  const stdout = process.stdout;
  const stderr = process.stderr;
  return {
    ...options,
    get client() {
      return (client ??= createProgressClient({ url: options.url, token: options.token }));
    },
    stdout,
    stderr,
    print: (text) => void stdout.write(`${text}\n`),
    printJson: (value) => void stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    warn: (text) => void stderr.write(`${text}\n`),
    async close() {
      await client?.close();
    },
  };
}

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, type ServiceConfig } from '../service/config';

/** Bad command-line input: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** A SQLite file a command will create if needed: its directory must be there. */
export const creatable = (path: string, what: string): string => {
  const folder = dirname(resolve(path));
  if (!existsSync(folder))
    throw new UsageError(
      `cannot create ${what} at ${path}: the directory ${folder} does not exist`,
    );
  return path;
};

/** The configuration of `serve`: the files it may create have a directory to go in. */
export const serviceConfig = (flags: Parameters<typeof loadConfig>[1]): ServiceConfig => {
  const config = loadConfig(process.env, flags);
  if (config.log.kind === 'sqlite') creatable(config.log.path, 'the log');
  creatable(config.state, 'the state file');
  return config;
};

/**
 * The configuration of a command that reads what is there: a SQLite log must exist (a mistyped
 * path would otherwise become a new, empty log that answers "nothing here").
 */
export const existingLogConfig = (flags: Parameters<typeof loadConfig>[1]): ServiceConfig => {
  const config = loadConfig(process.env, flags);
  if (config.log.kind === 'sqlite' && !existsSync(config.log.path))
    throw new UsageError(
      `no log at ${config.log.path}: this command reads an existing one (serve and demo create logs)`,
    );
  return config;
};

/** The flags of every command that opens the configured service. */
export const SERVICE_OPTIONS = {
  config: { type: 'string' },
  log: { type: 'string' },
  state: { type: 'string' },
  entities: { type: 'string' },
  worker: { type: 'string' },
} as const;

export const JSON_OPTION = { json: { type: 'boolean', default: false } } as const;

/** A whole number flag of at least `min`, or `fallback` when absent. */
export const wholeNumber = (
  name: string,
  text: string | undefined,
  fallback: number,
  min = 0,
): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`--${name} expects a whole number, got "${text}"`);
  if (value < min) throw new UsageError(`--${name} expects ${min} or more, got "${text}"`);
  return value;
};

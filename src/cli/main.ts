#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { demoCommand } from './demoCommand';

const USAGE = `Usage: driftless <command> [options]

Commands:
  demo    run the invoice scenario on a fresh embedded SQLite file and print a report
          (exit code 1 if any injected drift case slipped through)
          --json         print the report as one JSON object
          --seed N       random seed (default 42): the same seed gives the same report
          --invoices N   how many invoices (default 200)
          --db PATH      the SQLite file to create (default ./driftless-demo.sqlite)
  help    show this text`;

/** Bad command-line input: one line on stderr, exit code 2. */
class UsageError extends Error {}

const positiveInt = (name: string, text: string | undefined, fallback: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`--${name} expects a whole number, got "${text}"`);
  return value;
};

const run = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo': {
      const { values } = parseArgs({
        args: rest,
        options: {
          json: { type: 'boolean', default: false },
          seed: { type: 'string' },
          invoices: { type: 'string' },
          db: { type: 'string' },
        },
        strict: true,
      });
      return demoCommand({
        json: values.json,
        seed: positiveInt('seed', values.seed, 42),
        invoices: positiveInt('invoices', values.invoices, 200),
        db: values.db ?? 'driftless-demo.sqlite',
      });
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}" (try: driftless help)`);
  }
};

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage =
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`driftless: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = usage ? 2 : 1;
  },
);

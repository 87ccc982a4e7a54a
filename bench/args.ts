import type { SynchronousMode } from '../src/events/sqlite/openDatabase';
import { parseArgs } from 'node:util';

export const LOGS = ['sqlite', 'esdb'] as const;
export type LogKind = (typeof LOGS)[number];

export const DEFAULT_EVENTS = 1_000_000;
/** The big log's default size on EventStoreDB, whose appends each take a round trip. */
export const DEFAULT_EVENTS_ESDB = 100_000;

/** The flags every benchmark shares. */
export interface BenchArgs {
  name: string;
  /** Print one JSON object on stdout instead of a table. */
  json: boolean;
  /** Size of the big log. */
  events: number;
  log: LogKind;
  /** Flags of this benchmark alone (see OWN_FLAGS), as given. */
  own: Record<string, string>;
  /** The command that reproduces this run. */
  command: string;
}

/** Flags only one benchmark takes, by benchmark name. */
export const OWN_FLAGS: Record<string, readonly string[]> = {
  strategies: ['seed', 'branches', 'parallelism', 'overlap', 'synchronous', 'chart'],
  replay: ['jobs'],
  pipeline: ['state', 'synchronous'],
  promoter: ['state'],
};
const ALL_OWN = [...new Set(Object.values(OWN_FLAGS).flat())];

/** A bad command line: main prints the message on one line and exits with code 2. */
export class UsageError extends Error {}

const SYNC: readonly SynchronousMode[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/** `--synchronous OFF|NORMAL|FULL|EXTRA` (any case), or `fallback` when not given. */
export const parseSynchronous = (
  text: string | undefined,
  fallback: SynchronousMode,
): SynchronousMode => {
  const sync = (text ?? fallback).toUpperCase() as SynchronousMode;
  if (!SYNC.includes(sync))
    throw new UsageError(`--synchronous must be one of ${SYNC.join(', ')}, got "${text}"`);
  return sync;
};

const isLog = (value: string): value is LogKind => (LOGS as readonly string[]).includes(value);

export const parseBenchArgs = (argv: readonly string[]): BenchArgs => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        events: { type: 'string' },
        log: { type: 'string', default: 'sqlite' },
        ...Object.fromEntries(ALL_OWN.map((flag) => [flag, { type: 'string' as const }])),
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { positionals, values } = parsed;
  const [name, ...extra] = positionals;
  if (name === undefined)
    throw new UsageError(
      'missing benchmark name: npm run bench -- <name> [--json] [--events N] [--log sqlite|esdb]',
    );
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!isLog(values.log))
    throw new UsageError(`unknown --log "${values.log}" (known: ${LOGS.join(', ')})`);
  const defaultEvents = values.log === 'esdb' ? DEFAULT_EVENTS_ESDB : DEFAULT_EVENTS;
  const events = values.events === undefined ? defaultEvents : parseCount(values.events);
  const own: Record<string, string> = {};
  for (const flag of ALL_OWN) {
    const value = (values as Record<string, unknown>)[flag];
    if (typeof value !== 'string') continue;
    if (!(OWN_FLAGS[name] ?? []).includes(flag))
      throw new UsageError(`--${flag} is not a flag of the ${name} benchmark`);
    own[flag] = value;
  }
  const flags = [
    events === defaultEvents ? '' : ` --events ${events}`,
    values.log === 'sqlite' ? '' : ` --log ${String(values.log)}`,
    ...Object.entries(own).map(([flag, value]) => ` --${flag} ${value}`),
  ].join('');
  return {
    name,
    json: values.json,
    events,
    log: values.log,
    own,
    command: `npm run bench -- ${name}${flags}`,
  };
};

/** A positive integer; `1_000_000` and `1,000,000` are accepted. */
const parseCount = (text: string): number => {
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < 1)
    throw new UsageError(`--events must be a positive integer, got "${text}"`);
  return value;
};

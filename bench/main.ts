import { parseBenchArgs, UsageError, type BenchArgs } from './args';
import * as eventlog from './eventlog';
import * as kafka from './kafka';
import * as merge from './merge';
import * as pipeline from './pipeline';
import * as promoter from './promoter';
import * as replay from './replay';
import * as strategies from './strategies/run';

/** Benchmarks by name; each module exports `run(args)`. */
const benchmarks: Record<string, { run(args: BenchArgs): Promise<void> }> = {
  eventlog,
  kafka,
  merge,
  pipeline,
  promoter,
  replay,
  strategies,
};

const main = async (): Promise<void> => {
  const args = parseBenchArgs(process.argv.slice(2));
  const benchmark = benchmarks[args.name];
  if (benchmark === undefined)
    throw new UsageError(
      `unknown benchmark "${args.name}" (known: ${Object.keys(benchmarks).join(', ')})`,
    );
  await benchmark.run(args);
};

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`bench: ${error.message}`);
  else console.error(error);
  // exit, not exitCode: a benchmark's worker threads must not keep a failed run alive.
  process.exit(error instanceof UsageError ? 2 : 1);
});

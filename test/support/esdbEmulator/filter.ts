import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import type { StoredEvent } from './logStore';

type FilterOptions = ReadReq.Options.FilterOptions;

/** A server-side $all filter: which events pass, and how often a checkpoint is due. */
export interface CompiledFilter {
  passes(e: StoredEvent): boolean;
  /** Events considered between two checkpoints (subscriptions only). */
  checkpointInterval: number;
}

/** The search window when the client sends `count` instead of `max`. */
const DEFAULT_WINDOW = 32;

const matcher = (expression: ReadReq.Options.FilterOptions.Expression) => {
  const prefixes = expression.getPrefixList();
  if (prefixes.length > 0) return (value: string) => prefixes.some((p) => value.startsWith(p));
  const regex = new RegExp(expression.getRegex());
  return (value: string) => regex.test(value);
};

/** Prefixes win over a regex, as on the server; no filter passes everything. */
export const compileFilter = (options: FilterOptions | undefined): CompiledFilter => {
  if (options === undefined) return { passes: () => true, checkpointInterval: Infinity };
  const window = options.hasMax() ? options.getMax() : DEFAULT_WINDOW;
  const checkpointInterval = Math.max(1, options.getCheckpointintervalmultiplier()) * window;
  if (options.hasStreamIdentifier()) {
    const test = matcher(options.getStreamIdentifier()!);
    return { passes: (e) => test(e.stream), checkpointInterval };
  }
  if (options.hasEventType()) {
    const test = matcher(options.getEventType()!);
    return { passes: (e) => test(e.type), checkpointInterval };
  }
  return { passes: () => true, checkpointInterval };
};

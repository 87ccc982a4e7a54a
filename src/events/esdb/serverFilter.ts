import {
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type Filter,
  type RecordedEvent as ServerEvent,
} from '@eventstore/db-client';
import type { EventFilter } from '../eventLog';
import { matchesFilter } from '../logRules';

/** How a port filter runs against EventStoreDB: on the server, with a residual check here. */
export interface ServerFilter {
  filter: Filter;
  /** The rest of the filter, for what the server filter could not express. */
  passes(event: ServerEvent): boolean;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The server filters on stream name or on event type, never both at once. Stream prefixes go
 * to the server when given (they select a few streams out of the whole log); event types go
 * there otherwise, as an exact-match regex; with neither, system events (types starting with
 * `$`) are left out on the server. Whatever remains is checked here, system events included.
 */
export const toServerFilter = (filter: EventFilter | undefined): ServerFilter => {
  const passes = (e: ServerEvent) =>
    !e.type.startsWith('$') && matchesFilter(e.streamId, e.type, e.data, filter);
  // The search window and checkpoint interval only pace server checkpoints, which are unused.
  if (filter?.streamPrefixes !== undefined) {
    return { filter: streamNameFilter({ prefixes: [...filter.streamPrefixes] }), passes };
  }
  if (filter?.eventTypes !== undefined) {
    const regex = `^(${filter.eventTypes.map(escape).join('|')})$`;
    return { filter: eventTypeFilter({ regex }), passes };
  }
  return { filter: excludeSystemEvents(), passes };
};

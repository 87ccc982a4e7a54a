import type { DriftlessEvent, EventType } from './catalogue';
import type { EntityPartition } from './entityPartition';

/**
 * The EventLog port: an append-only log of streams, with one global order across them.
 * Every adapter (memory, SQLite, EventStoreDB) passes the same contract suite and throws only
 * the errors declared here: VersionConflictError, StreamNotFoundError, ValidationError,
 * LogUnavailableError (retriable) and LogClosedError.
 */
export interface EventLog {
  /**
   * Appends events to one stream, atomically: all are written or none.
   * Re-appending events whose ids are already stored returns the original result and writes
   * nothing, whatever the expected revision.
   * @throws VersionConflictError when the stream is not at `expectedRevision`
   * @throws ValidationError when a stream name or event is invalid (nothing is written)
   */
  append(
    stream: string,
    events: readonly DriftlessEvent[],
    options: AppendOptions,
  ): Promise<AppendResult>;

  /**
   * Reads one stream in revision order (or reverse).
   * @throws StreamNotFoundError when the stream has no events
   */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** Reads across all streams in global order, starting at (and including) `fromPosition`. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** The position of the last event in the log now (0 when it is empty): where reading it all ends. */
  endPosition(): Promise<number>;

  /**
   * Every event after the checkpoint that passes the filter, then every later append as it
   * happens. Pull-based: the next page is read only when the consumer asks for more, so a slow
   * consumer holds at most one page in memory. Ends when the log is closed, `signal` aborts or
   * the consumer breaks out of its loop.
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;

  /** Releases the log; pending subscriptions end and later calls throw LogClosedError. */
  close(): Promise<void>;
}

/**
 * `number`: the stream's last event has this revision (revisions count from 0).
 * `'no_stream'`: the stream has no events. `'exists'`: it has at least one. `'any'`: no check.
 */
export type ExpectedRevision = number | 'no_stream' | 'any' | 'exists';

export const NO_STREAM = 'no_stream';
export const ANY = 'any';
export const STREAM_EXISTS = 'exists';

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event written: pass it as `expectedRevision` for the next append. */
  nextRevision: number;
  /** Global position of the last event written. */
  position: number;
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). @defaultValue 'start' ('end' when backwards) */
  from?: number | 'start' | 'end';
  /** @defaultValue 'forwards' */
  direction?: 'forwards' | 'backwards';
  /** @defaultValue no limit */
  limit?: number;
}

export interface EventFilter {
  /** Only streams whose names start with one of these. */
  streamPrefixes?: readonly string[];
  /** Only events of these types. */
  eventTypes?: readonly EventType[];
  /** Only the events of one part of the entities (see EntityPartition); one per read loop. */
  partition?: EntityPartition;
}

export interface ReadAllOptions {
  /** First global position to read (inclusive). @defaultValue 'start' */
  fromPosition?: number | 'start';
  /** @defaultValue 1000 */
  limit?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** The last position already processed: delivery starts after it. @defaultValue from the start */
  fromCheckpoint?: number;
  filter?: EventFilter;
  /** Events read per page while catching up. @defaultValue 1000 */
  pageSize?: number;
  signal?: AbortSignal;
}

/** An event as stored: the event plus where it is in its stream and in the log. */
export type RecordedEvent = DriftlessEvent & {
  stream: string;
  revision: number;
  position: number;
};

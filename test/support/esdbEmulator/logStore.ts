import { randomUUID } from 'node:crypto';
import { streamVisibility, type StreamRules } from './streamRules';

/** One event as the emulated server stores it. */
export interface StoredEvent {
  stream: string;
  revision: bigint;
  /** Lower-case UUID text. */
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends `created`. */
  created: bigint;
  /** Commit and prepare position alike: no explicit transactions here. */
  position: bigint;
}

export type ProposedEvent = Pick<StoredEvent, 'id' | 'type' | 'contentType' | 'data' | 'metadata'>;

export type Expected =
  | { kind: 'any' }
  | { kind: 'no_stream' }
  | { kind: 'exists' }
  | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { kind: 'written' | 'idempotent'; revision: bigint; position: bigint }
  | { kind: 'wrong_expected_version'; current: bigint | undefined }
  | { kind: 'deleted' };

/** EventStoreDB's number for a tombstoned stream's delete record (long.MaxValue). */
export const DELETED_REVISION = 9223372036854775807n;
/** Bytes a record takes besides its payload: positions are byte offsets, so they leave gaps. */
const RECORD_OVERHEAD = 96n;
/** The first record sits after the chunk header and the epoch record. */
const FIRST_POSITION = 128n;

interface StreamState {
  events: StoredEvent[];
  tombstoned: boolean;
}

const metastream = (stream: string) => `$$${stream}`;

/**
 * The emulator's transaction log: one ordered list ($all) and per-stream indexes. Append
 * decisions follow EventStoreDB's commit check (expected version, then idempotency by id).
 */
export const createLogStore = () => {
  const all: StoredEvent[] = [];
  const streams = new Map<string, StreamState>();
  const byId = new Map<string, StoredEvent>();
  const byPosition = new Set<bigint>();
  const waiters = new Set<() => void>();
  let nextPosition = FIRST_POSITION;

  const lastRevision = (stream: string): bigint =>
    streams.get(stream)?.events.at(-1)?.revision ?? -1n;

  const record = (stream: string, revision: bigint, e: ProposedEvent): StoredEvent => {
    const stored: StoredEvent = {
      ...e,
      stream,
      revision,
      created: BigInt(Date.now()) * 10_000n,
      position: nextPosition,
    };
    nextPosition +=
      RECORD_OVERHEAD + BigInt(stream.length + e.type.length + e.data.length + e.metadata.length);
    const s = streams.get(stream) ?? { events: [], tombstoned: false };
    s.events.push(stored);
    streams.set(stream, s);
    all.push(stored);
    byId.set(stored.id, stored);
    byPosition.add(stored.position);
    return stored;
  };

  const notify = () => {
    for (const wake of [...waiters]) wake();
  };

  const idempotent = (stored: StoredEvent): AppendOutcome => ({
    kind: 'idempotent',
    revision: stored.revision,
    position: stored.position,
  });

  /** The commit check: what EventStoreDB decides before it writes anything. */
  const check = (stream: string, expected: Expected, ids: string[]): AppendOutcome | undefined => {
    if (streams.get(stream)?.tombstoned === true) return { kind: 'deleted' };
    const current = lastRevision(stream);
    const wrong: AppendOutcome = {
      kind: 'wrong_expected_version',
      current: current < 0n ? undefined : current,
    };
    if (expected.kind === 'exists' && current < 0n) return wrong;
    if (expected.kind === 'any' || expected.kind === 'exists') {
      // Idempotent when every id is already in this stream. An unknown first id means a new
      // append (even if later ids are known); an unknown later id is a conflict
      // ("corrupted idempotency", answered as a wrong expected version).
      let last: StoredEvent | undefined;
      for (const [i, id] of ids.entries()) {
        const known = byId.get(id);
        if (known?.stream !== stream) return i === 0 ? undefined : wrong;
        last = known;
      }
      return last && idempotent(last);
    }
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision > current) return wrong;
    if (expectedRevision === current) return undefined;
    const events = streams.get(stream)!.events;
    // A retry of an append already made at this revision is idempotent.
    const at = (i: number) => events[Number(expectedRevision) + 1 + i];
    const matching = ids.length > 0 && ids.every((id, i) => at(i)?.id === id);
    return matching ? idempotent(at(ids.length - 1)!) : wrong;
  };

  /** Index of the first event at or after `position` in $all. */
  const indexFrom = (position: bigint): number => {
    let [low, high] = [0, all.length];
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (all[mid]!.position < position) low = mid + 1;
      else high = mid;
    }
    return low;
  };

  const writeMetadata = (stream: string, rules: StreamRules): StoredEvent => {
    const meta = metastream(stream);
    return record(meta, lastRevision(meta) + 1n, {
      id: randomUUID(),
      type: '$metadata',
      contentType: 'application/json',
      data: new TextEncoder().encode(JSON.stringify(rules)),
      metadata: new Uint8Array(),
    });
  };

  return {
    append(stream: string, expected: Expected, proposed: ProposedEvent[]): AppendOutcome {
      const decision = check(
        stream,
        expected,
        proposed.map((p) => p.id),
      );
      if (decision) return decision;
      let revision = lastRevision(stream);
      let last: StoredEvent | undefined;
      for (const p of proposed) last = record(stream, (revision += 1n), p);
      notify();
      return { kind: 'written', revision, position: last?.position ?? -1n };
    },

    /** Soft delete: `$tb` past the last event; a later append carries on from the next revision. */
    softDelete(stream: string, expected: Expected): AppendOutcome {
      const decision = check(stream, expected, []);
      if (decision?.kind === 'deleted' || decision?.kind === 'wrong_expected_version') {
        return decision;
      }
      const last = lastRevision(stream);
      const written = writeMetadata(stream, { $tb: Number(last + 1n) });
      notify();
      return { kind: 'written', revision: last, position: written.position };
    },

    /** Hard delete: the stream can never be read or written again. */
    tombstone(stream: string, expected: Expected): AppendOutcome {
      const decision = check(stream, expected, []);
      if (decision?.kind === 'deleted' || decision?.kind === 'wrong_expected_version') {
        return decision;
      }
      const written = record(stream, DELETED_REVISION, {
        id: randomUUID(),
        type: '$streamDeleted',
        contentType: 'application/octet-stream',
        data: new Uint8Array(),
        metadata: new Uint8Array(),
      });
      streams.get(stream)!.tombstoned = true;
      notify();
      return { kind: 'written', revision: DELETED_REVISION, position: written.position };
    },

    /**
     * Visible events of a stream, or 'none' / 'deleted'. `$tb` and `$maxCount` in the stream's
     * metadata hide older events from stream reads (they stay in $all until a scavenge).
     */
    stream(stream: string): StoredEvent[] | 'none' | 'deleted' {
      const s = streams.get(stream);
      if (s?.tombstoned === true) return 'deleted';
      const events = s?.events ?? [];
      const visible = streamVisibility(events, streams.get(metastream(stream))?.events.at(-1));
      return visible.length === 0 ? 'none' : visible;
    },

    all: (): readonly StoredEvent[] => all,
    indexFrom,

    /**
     * Whether a read of $all may start at `position`: the server reads its log from there, so
     * it must be a record's first byte, the start of the log, or the end (nothing to read).
     */
    readablePosition: (position: bigint): boolean =>
      position === 0n || position >= nextPosition || byPosition.has(position),

    /** Resolves on the next append (or when `stop` is called). */
    nextAppend(): { promise: Promise<void>; stop: () => void } {
      let stop = () => {};
      const promise = new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        stop = wake;
      });
      return { promise, stop };
    },

    /** Wakes every waiting subscription, e.g. when the server goes down. */
    wakeAll: notify,
  };
};

export type LogStore = ReturnType<typeof createLogStore>;

import {
  BACKWARDS,
  END,
  jsonEvent,
  NO_STREAM,
  WrongExpectedVersionError,
  StreamNotFoundError as ServerStreamNotFoundError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import type { CheckpointStore } from '../checkpointStore';
import { ValidationError } from '../errors';
import { isValidStreamName, streamNames } from '../streams';
import { connectEventStoreDb } from './connection';
import { toLogError } from './driverErrors';

/** The type of a checkpoint event: `$`-prefixed, so the log's reads leave it out as a system event. */
export const CHECKPOINT_EVENT_TYPE = '$DriftlessCheckpoint';

export interface EventStoreDbCheckpointsOptions {
  connectionString: string;
  /** Stream names' prefix: checkpoint `name` lives in `<prefix>-checkpoint-<name>`. @defaultValue 'driftless' */
  prefix?: string;
  /** Checkpoint events kept per stream (`$maxCount`); older ones go at the next scavenge. @defaultValue 10 */
  keep?: number;
}

export interface EventStoreDbCheckpoints extends CheckpointStore {
  close(): Promise<void>;
}

interface Last {
  position: number;
  revision: bigint | typeof NO_STREAM;
}

/**
 * The last checkpoint event of a stream. The read is taken to its end (no early return): a
 * call left unread never finishes, and the client waits for it on dispose.
 */
const lastOf = async (client: EventStoreDBClient, stream: string): Promise<Last> => {
  let last: Last = { position: 0, revision: NO_STREAM };
  try {
    for await (const { event } of client.readStream(stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    })) {
      const data = event?.data as { position?: unknown } | undefined;
      if (event !== undefined && typeof data?.position === 'number') {
        last = { position: data.position, revision: event.revision };
      }
    }
  } catch (error) {
    if (!(error instanceof ServerStreamNotFoundError)) throw error;
  }
  return last;
};

/**
 * Checkpoints in EventStoreDB: one stream per checkpoint, each save an event, the stream capped
 * by `$maxCount` metadata so it stays a few events long. For a sink whose data lives outside
 * the state file (a broker): after the state file is lost, publishing resumes where the broker
 * acknowledged, not from the start. A save appends with the revision it read, so two
 * processes saving at once cannot move the checkpoint back.
 */
export const createEventStoreDbCheckpoints = (
  options: EventStoreDbCheckpointsOptions,
): EventStoreDbCheckpoints => {
  const client = connectEventStoreDb(options.connectionString);
  const streams = streamNames(options.prefix);
  const keep = options.keep ?? 10;
  const streamOf = (name: string) => {
    const stream = streams.checkpoint(name);
    if (isValidStreamName(stream)) return stream;
    throw new ValidationError(
      [
        {
          path: '/name',
          expected: 'letters, digits and ._:@=+-',
          received: name,
          message: 'invalid checkpoint name',
        },
      ],
      'cannot use checkpoint',
    );
  };
  const guarded = async <T>(operation: string, run: () => Promise<T>) => {
    try {
      return await run();
    } catch (error) {
      throw toLogError(error, { operation });
    }
  };
  const save = async (stream: string, position: number): Promise<void> => {
    for (;;) {
      const last = await lastOf(client, stream);
      if (position <= last.position) return;
      if (last.revision === NO_STREAM) await client.setStreamMetadata(stream, { maxCount: keep });
      try {
        const event = jsonEvent({ type: CHECKPOINT_EVENT_TYPE, data: { position } });
        return void (await client.appendToStream(stream, event, {
          expectedRevision: last.revision,
        }));
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error; // another saver: look again
      }
    }
  };
  return {
    load: (name) =>
      guarded(
        `load checkpoint "${name}"`,
        async () => (await lastOf(client, streamOf(name))).position,
      ),
    save: (name, position) =>
      guarded(`save checkpoint "${name}"`, () => save(streamOf(name), position)),
    close: () => client.dispose(),
  };
};

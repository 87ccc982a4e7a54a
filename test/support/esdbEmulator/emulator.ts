import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, type ServerWritableStream } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import {
  SupportedMethod,
  SupportedMethods,
} from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { append } from './append';
import { batchAppend } from './batchAppend';
import { softDelete, tombstone } from './deletes';
import { createLogStore, type LogStore } from './logStore';
import { DEFAULT_MAX_APPEND_SIZE } from './proposed';
import { read } from './reads';
import { subscribe, type SubscriptionStats } from './subscriptions';
import type { WriteFaults } from './wire';

export interface EsdbEmulatorOptions {
  /** @defaultValue 1 MiB, the server's default */
  maxAppendSize?: number;
  /** Advertise Streams.BatchAppend, which makes the client append through it. @defaultValue true */
  batchAppend?: boolean;
  /** How long a write held by `timeOutNextWrites` waits for its timeout. @defaultValue 2000 */
  writeTimeoutMs?: number;
}

export interface EsdbEmulator {
  /** `esdb://127.0.0.1:PORT?tls=false` */
  url: string;
  port: number;
  store: LogStore;
  stats: SubscriptionStats;
  /** Stops listening and kills every open connection, as a crash would; the log is kept. */
  stop(): Promise<void>;
  /** Listens again on the same port, with the log as it was. */
  start(): Promise<void>;
  /** Kills every open connection, then listens again at once (a server restart). */
  dropConnections(): Promise<void>;
  /** The next `n` writes are stored, then the server restarts before it answers them. */
  loseRepliesToNextWrites(n: number): void;
  /** The next `n` writes are not stored and are answered with the server's timeout error. */
  timeOutNextWrites(n: number): void;
}

const STREAMS = 'event_store.client.streams.streams';

const supportedMethods = (withBatchAppend: boolean) => {
  const methods = ['read', 'append', 'delete', 'tombstone'];
  if (withBatchAppend) methods.push('batchappend');
  return new SupportedMethods()
    .setEventStoreServerVersion('23.10.0-emulator')
    .setMethodsList([
      ...methods.map((m) => new SupportedMethod().setServiceName(STREAMS).setMethodName(m)),
      new SupportedMethod()
        .setServiceName('event_store.client.server_features.serverfeatures')
        .setMethodName('getsupportedmethods'),
    ]);
};

/** The `$settings` event a fresh server writes first: $all always holds system events. */
const seed = (store: LogStore) =>
  store.append('$settings', { kind: 'any' }, [
    {
      id: randomUUID(),
      type: '$settings',
      contentType: 'application/json',
      data: Buffer.from(JSON.stringify({ $userStreamAcl: { $r: '$all' } })),
      metadata: new Uint8Array(),
    },
  ]);

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );

/** An EventStoreDB gRPC protocol emulator on 127.0.0.1, insecure, on a random port. */
export const startEsdbEmulator = async (
  options: EsdbEmulatorOptions = {},
): Promise<EsdbEmulator> => {
  const store = createLogStore();
  seed(store);
  const stats: SubscriptionStats = { eventsSent: 0 };
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  let server: Server | undefined;
  const planned: ('timeout' | 'lose-reply')[] = [];
  const faults: WriteFaults = {
    next: () => planned.shift() ?? 'none',
    timeoutMs: options.writeTimeoutMs ?? 2000,
    dropConnections: () => setImmediate(() => void emulator.dropConnections()),
  };
  const createServer = () => {
    const created = new Server();
    created.addService(StreamsService, {
      read: (call: ServerWritableStream<ReadReq, ReadResp>) => {
        const run =
          call.request.getOptions()?.hasSubscription() === true
            ? subscribe(store, call, stats)
            : read(store, call);
        run.catch((error: unknown) => call.destroy(error as Error));
      },
      append: append(store, maxAppendSize, faults),
      batchAppend: batchAppend(store, maxAppendSize, faults),
      delete: softDelete(store),
      tombstone: tombstone(store),
    });
    created.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: (e: null, m: SupportedMethods) => void) =>
        callback(null, supportedMethods(options.batchAppend ?? true)),
    });
    return created;
  };
  const start = async (port: number) => {
    server = createServer();
    return listen(server, port);
  };
  const stop = async () => {
    server?.forceShutdown();
    server = undefined;
    store.wakeAll(); // subscriptions waiting for appends notice their calls are gone
  };
  const port = await start(0);
  const emulator: EsdbEmulator = {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    store,
    stats,
    stop,
    start: async () => void (await start(port)),
    dropConnections: async () => {
      await stop();
      await start(port);
    },
    loseRepliesToNextWrites: (n) => planned.push(...Array<'lose-reply'>(n).fill('lose-reply')),
    timeOutNextWrites: (n) => planned.push(...Array<'timeout'>(n).fill('timeout')),
  };
  return emulator;
};

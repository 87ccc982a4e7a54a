import { startEsdbEmulator, type EsdbEmulator } from './esdbEmulator/emulator';

/**
 * Where the EventStoreDB tests run: the server named by EVENTSTORE_URL when it is set (e.g.
 * `esdb://localhost:2113?tls=false` after `docker compose up -d kurrentdb`), otherwise a
 * protocol emulator started on a free port of 127.0.0.1.
 */
export interface EsdbTarget {
  url: string;
  /** The emulator, when the tests run against it. */
  emulator: EsdbEmulator | undefined;
  stop(): Promise<void>;
}

export const startEsdbTarget = async (): Promise<EsdbTarget> => {
  const url = process.env.EVENTSTORE_URL;
  if (url !== undefined && url !== '') return { url, emulator: undefined, stop: async () => {} };
  const emulator = await startEsdbEmulator();
  return { url: emulator.url, emulator, stop: () => emulator.stop() };
};

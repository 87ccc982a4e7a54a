import { startEsdbEmulator, type EsdbEmulator } from './esdbEmulator/emulator';
import { tempDir } from './tempDir';

/**
 * For a describe block: an EventStoreDB emulator started before its tests and a temporary
 * directory, both gone after them.
 */
export const useEsdbEmulator = (name: string) => {
  const dir = tempDir(name);
  let emulator: EsdbEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEsdbEmulator();
  });
  afterAll(async () => {
    await emulator?.stop();
    dir.remove();
  });
  return { dir, emulator: () => emulator! };
};

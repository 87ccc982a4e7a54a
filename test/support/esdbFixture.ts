import type { EventLog } from '../../src/events/eventLog';
import { openBranch } from '../../src/sdk/openBranch';
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

/** Commits one branch on each of `n` new invoices (INV-0, INV-1, ...) setting its total. */
export const commitInvoices = async (log: EventLog, n: number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const branch = await openBranch({
      log,
      entity: { type: 'invoice', id: `INV-${i}` },
      phase: 'default',
      actor: 'agent',
      from: null,
    });
    await branch.set('/total', 10 * i).commit();
  }
};

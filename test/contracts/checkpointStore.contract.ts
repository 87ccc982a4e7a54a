import type { CheckpointStore } from '../../src/events/checkpointStore';
import { newId } from '../support/events';

/** The CheckpointStore contract: every adapter passes the same suite. */
export const describeCheckpointStoreContract = (
  name: string,
  create: () => Promise<CheckpointStore & { close?: () => Promise<void> | void }>,
): void => {
  describe(`CheckpointStore contract: ${name}`, () => {
    let store: CheckpointStore & { close?: () => Promise<void> | void };
    let checkpoint: string;
    beforeEach(async () => {
      store = await create();
      checkpoint = `c${newId()}`;
    });
    afterEach(() => store.close?.());

    it('reads 0 for a checkpoint never saved', async () => {
      expect(await store.load(checkpoint)).toBe(0);
    });

    it('keeps what was saved, per name', async () => {
      await store.save(checkpoint, 1200);
      await store.save(`${checkpoint}-other`, 7);
      expect(await store.load(checkpoint)).toBe(1200);
      expect(await store.load(`${checkpoint}-other`)).toBe(7);
    });

    it('only moves forward', async () => {
      await store.save(checkpoint, 900);
      await store.save(checkpoint, 300);
      expect(await store.load(checkpoint)).toBe(900);
    });

    it('ends at the highest of concurrent saves', async () => {
      const positions = [500, 2100, 1300, 1700, 900, 2000];
      await Promise.all(positions.map((p) => store.save(checkpoint, p)));
      expect(await store.load(checkpoint)).toBe(2100);
    });
  });
};

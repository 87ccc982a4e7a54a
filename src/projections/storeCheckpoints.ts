import type { CheckpointStore } from '../events/checkpointStore';
import type { ProjectionStore } from './projectionStore';

/**
 * Checkpoints in the projection store's `projection_checkpoints` table: right for a sink
 * whose data lives in the same file (the embedded topic), so both are kept or lost together.
 */
export const storeCheckpoints = (store: ProjectionStore): CheckpointStore => {
  const statement = store.statement(
    'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)',
  );
  // Waits for another process's write lock in short steps (see writeLock.ts).
  const save = store.immediate((name: string, position: number) => statement.run(name, position));
  return {
    load: async (name) => store.checkpoint(name),
    save: async (name, position) => void save(name, position),
  };
};

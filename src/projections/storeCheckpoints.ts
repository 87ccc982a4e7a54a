import type { CheckpointStore } from '../events/checkpointStore';
import type { ProjectionStore } from './projectionStore';

/**
 * Checkpoints in the projection store's `projection_checkpoints` table: right for a sink
 * whose data lives in the same file (the embedded topic), so both are kept or lost together.
 */
export const storeCheckpoints = (store: ProjectionStore): CheckpointStore => {
  const save = store.statement(
    'INSERT INTO projection_checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)',
  );
  return {
    load: async (name) => store.checkpoint(name),
    save: async (name, position) => void save.run(name, position),
  };
};

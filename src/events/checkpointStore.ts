/**
 * The CheckpointStore port: durable named positions in the log, for a consumer that records
 * how far it got outside the transaction of its own effects (a publisher whose sink is a
 * broker). A checkpoint only moves forward, so several processes may save the same one.
 *
 * The projection processor does not use it: its checkpoint commits in the same SQLite
 * transaction as the projections' effects, which is what makes them exactly-once.
 */
export interface CheckpointStore {
  /** The last position saved under `name`; 0 when none was. */
  load(name: string): Promise<number>;
  /** Records `position` under `name`, unless a later one is already there. */
  save(name: string, position: number): Promise<void>;
}

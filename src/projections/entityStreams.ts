import type { Projection } from './projection';

const ENTITY_EVENTS = new Set([
  'DivergenceDetected',
  'VersionPromoted',
  'BranchQuarantined',
  'PhaseSealed',
  'QuarantineReleased',
]);

/**
 * The revision of every entity stream as far as the projections have read: the promoter
 * appends with it as the expected revision, so a decision made on a stale view cannot land.
 */
export const entityStreams: Projection = {
  name: 'entityStreams',
  apply: (event, store) => {
    if (!ENTITY_EVENTS.has(event.type)) return;
    store
      .statement(
        `INSERT INTO entity_streams (stream, revision) VALUES (?, ?)
         ON CONFLICT (stream) DO UPDATE SET revision = MAX(revision, excluded.revision)`,
      )
      .run(event.stream, event.revision);
  },
};

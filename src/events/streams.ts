import type { EntityRef } from './schemas/common';

/** Stream names: letters, digits and `._:@=+-`, no leading `$` (reserved by EventStoreDB). */
export const STREAM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@=+-]{0,254}$/;

export const isValidStreamName = (name: unknown): name is string =>
  typeof name === 'string' && STREAM_NAME_PATTERN.test(name);

/** Names of the streams Driftless writes, under one prefix. @defaultValue prefix 'driftless' */
export const streamNames = (prefix = 'driftless') => ({
  prefix,
  branch: (branchId: string) => `${prefix}-branch-${branchId}`,
  entity: (entity: EntityRef) => `${prefix}-entity-${entity.type}-${entity.id}`,
  checkpoint: (name: string) => `${prefix}-checkpoint-${name}`,
  branchPrefix: `${prefix}-branch-`,
  entityPrefix: `${prefix}-entity-`,
});

export type StreamNames = ReturnType<typeof streamNames>;

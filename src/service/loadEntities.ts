import { z } from 'zod';
import { ValidationError } from '../events/errors';
import { createRegistry, type EntityRegistry, type EntityType } from '../projections/defineEntity';

const isEntityType = (value: unknown): value is EntityType =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EntityType).type === 'string' &&
  (value as EntityType).schema instanceof z.ZodType &&
  Array.isArray((value as EntityType).phases);

const invalid = (path: string, received: string, message: string) =>
  new ValidationError(
    [
      {
        path: '/entities',
        expected: 'a module whose `entities` export is an array of defineEntity(...) results',
        received,
        message,
      },
    ],
    `cannot load entity types from ${path}`,
  );

/**
 * Loads the module the configuration names and builds the registry from its `entities`
 * export (or its default export): an array of entity types made with defineEntity.
 */
export const loadEntities = async (path: string): Promise<EntityRegistry> => {
  let module: { entities?: unknown; default?: unknown };
  try {
    module = (await import(path)) as typeof module;
  } catch (error) {
    // Node appends the require stack on further lines: the first says what went wrong.
    const message = error instanceof Error ? error.message : String(error);
    throw invalid(path, path, message.split('\n')[0]!);
  }
  const types = module.entities ?? module.default;
  if (!Array.isArray(types)) throw invalid(path, typeof types, 'no `entities` array exported');
  const bad = types.findIndex((t) => !isEntityType(t));
  if (bad >= 0) throw invalid(path, `entities[${bad}]`, 'not an entity type from defineEntity');
  return createRegistry(types as EntityType[]);
};

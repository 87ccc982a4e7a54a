import { z } from 'zod';
import { EVENT_TYPES, envelopeFor } from './catalogue';

/**
 * The JSON Schema (draft 2020-12) of every event contract, by file name: one envelope schema
 * per event type, so producers in other languages can validate what they write.
 */
export const eventJsonSchemas = (): Record<string, object> =>
  Object.fromEntries(
    EVENT_TYPES.map((type) => [
      `${type}.schema.json`,
      {
        $id: `https://driftless.dev/schemas/${type}.schema.json`,
        title: type,
        ...z.toJSONSchema(envelopeFor(type), { target: 'draft-2020-12' }),
      },
    ]),
  );

/** The text each schema file holds: stable, pretty, with a final newline. */
export const schemaFileText = (schema: object): string => `${JSON.stringify(schema, null, 2)}\n`;

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '../../src/events/catalogue';
import { eventJsonSchemas, schemaFileText } from '../../src/events/jsonSchemas';
import { catalogueExamples } from '../support/catalogueExamples';

const dir = join(__dirname, '..', '..', 'schemas');
const schemas = eventJsonSchemas();

describe('JSON Schema export', () => {
  it('has a file for every event type and no other', () => {
    expect(readdirSync(dir).sort()).toEqual(EVENT_TYPES.map((t) => `${t}.schema.json`).sort());
  });

  it.each(Object.keys(schemas))(
    '%s matches the zod schema (run `npm run schemas` after changing one)',
    (file) => {
      expect(readFileSync(join(dir, file), 'utf8')).toBe(schemaFileText(schemas[file]!));
    },
  );

  it.each(EVENT_TYPES)('validates the %s example, and rejects it with a broken field', (type) => {
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(dir, `${type}.schema.json`), 'utf8')) as object,
    );
    const example = catalogueExamples[type];
    expect(validate(example)).toBe(true);
    expect(validate({ ...example, metadata: { ...example.metadata, eventId: 'not-a-ulid' } })).toBe(
      false,
    );
  });
});

// Writes the JSON Schema of every event contract to schemas/. Run: npm run schemas
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventJsonSchemas, schemaFileText } from '../src/events/jsonSchemas';

const dir = join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
const schemas = eventJsonSchemas();
for (const stale of readdirSync(dir).filter((f) => !(f in schemas))) rmSync(join(dir, stale));
for (const [file, schema] of Object.entries(schemas))
  writeFileSync(join(dir, file), schemaFileText(schema));
console.log(`wrote ${Object.keys(schemas).length} schemas to ${dir}`);

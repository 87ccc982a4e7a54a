import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../src/events/errors';
import { loadEntities } from '../../src/service/loadEntities';
import { tempDir } from '../support/tempDir';

const SUPPORT = join(__dirname, '..', 'support');
const dir = tempDir('load-entities');
afterAll(() => dir.remove());

describe('loading the entity types a configuration names', () => {
  it('builds the registry from the module’s `entities` export', async () => {
    const registry = await loadEntities(join(SUPPORT, 'testEntities.ts'));
    expect([...registry.keys()]).toEqual(['invoice']);
  });

  it.each([
    ['missing', () => join(SUPPORT, 'no-such-module.js')],
    [
      'requiring a missing one',
      () => {
        const path = dir.file('broken.js');
        writeFileSync(path, "module.exports = require('./gone.js');\n");
        return path;
      },
    ],
  ])('refuses a module %s in one line, without the require stack', async (_, module) => {
    const path = module();
    const error = (await loadEntities(path).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues[0]).toMatchObject({ path: '/entities', received: path });
    expect(error.issues[0]!.message).toMatch(/Cannot find module/);
    expect(error.issues[0]!.message).not.toMatch(/\n/);
  });

  it('refuses a module with no entity types, naming what it found', async () => {
    await expect(loadEntities(join(SUPPORT, 'tempDir.ts'))).rejects.toThrow(
      /no `entities` array exported/,
    );
  });
});

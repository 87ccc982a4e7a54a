import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/service/config';
import { openService } from '../../src/service/openService';
import { createEmbeddedTopic } from '../../src/publishers/embedded/embeddedTopic';
import { commitInvoices, useEsdbEmulator } from '../support/esdbFixture';

const ENTITIES = join(__dirname, '..', 'support', 'testEntities.ts');

/** The version ids in the embedded topic of a state file, in offset order. */
const topicVersions = (state: string) => {
  const topic = createEmbeddedTopic({ path: state });
  try {
    return topic.read().map((r) => r.snapshot.versionId);
  } finally {
    void topic.close();
  }
};

describe('the service on EventStoreDB (emulator)', () => {
  const { dir, emulator } = useEsdbEmulator('service-esdb');

  it('promotes and publishes from the server, and rebuilds a lost state file from it', async () => {
    const state = dir.file('state.sqlite');
    const config = loadConfig({}, { log: emulator().url, entities: ENTITIES, state });
    const first = await openService(config);
    await commitInvoices(first.log, 3);
    expect((await first.promoter.runOnce()).promoted).toBe(3);
    expect(await first.publish()).toBe(3);
    await first.close();
    const published = topicVersions(state);

    rmSync(state); // the state file is a cache of the log
    const second = await openService(config);
    expect((await second.promoter.runOnce()).promoted).toBe(0);
    expect(await second.publish()).toBe(3);
    await second.close();
    expect(topicVersions(state)).toEqual(published);
  });
});

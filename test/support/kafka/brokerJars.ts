import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The Apache Kafka release the tests and benchmarks run (see pom.xml beside this file). */
export const KAFKA_VERSION = '3.9.1';

/** The repository root: the nearest folder above this file with a package.json. */
export const repoRoot = (): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
};

/**
 * The folder holding the broker's jars, resolved once from Maven Central with Maven and kept
 * outside the repository (`DRIFTLESS_KAFKA_JARS`, or ~/.cache/driftless/kafka-<version>).
 * Several test runs may resolve at once: each copies into its own folder and renames it.
 */
export const brokerJars = (): string => {
  const target =
    process.env.DRIFTLESS_KAFKA_JARS ??
    join(homedir(), '.cache', 'driftless', `kafka-${KAFKA_VERSION}`);
  if (existsSync(join(target, `kafka_2.13-${KAFKA_VERSION}.jar`))) return target;
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  const pom = join(repoRoot(), 'test', 'support', 'kafka', 'pom.xml');
  const mvn = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${partial}`,
      '-DincludeScope=runtime',
    ],
    { encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const jars = existsSync(partial) ? readdirSync(partial).length : 0;
  if (mvn.status !== 0 || jars === 0) {
    rmSync(partial, { recursive: true, force: true });
    const output = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.trim().split('\n').slice(-20);
    throw new Error(
      `could not resolve the Kafka ${KAFKA_VERSION} broker jars with Maven (mvn -f ${pom} dependency:copy-dependencies: ${
        mvn.error?.message ?? `exit ${String(mvn.status ?? mvn.signal)}`
      }):\n${output.join('\n')}`,
    );
  }
  writeFileSync(join(partial, 'RESOLVED'), `${new Date().toISOString()}\n`);
  try {
    renameSync(partial, target);
  } catch {
    // Another run got there first; its copy is as good.
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
};

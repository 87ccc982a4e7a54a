import { randomFillSync } from 'node:crypto';
import { isValid, monotonicFactory, ulidToUUID, uuidToULID } from 'ulid';

/** Makes ULIDs: event, branch and version ids. Pass one in to get reproducible ids. */
export type IdGenerator = () => string;

/**
 * Cryptographic random bytes drawn from a pool refilled 4 KiB at a time: ulid's own source asks
 * WebCrypto for one byte per character, about 3 µs each, 16 per id in a new millisecond.
 */
const pooledRandom = (): (() => number) => {
  const pool = new Uint8Array(4096);
  let next = pool.length;
  return () => {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
};

/** Monotonic within one process, so ids made in the same millisecond still sort. */
export const createIdGenerator = (): IdGenerator => monotonicFactory(pooledRandom());

/**
 * Reproducible ULIDs from a seed and a clock, for demos and tests: the same seed and clock
 * readings give the same ids.
 */
export const createSeededIdGenerator = (seed: number, now: () => number): IdGenerator => {
  let state = seed >>> 0 || 1;
  const prng = (): number => {
    // xorshift32: small, fast, and good enough for id entropy in a replayable demo.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const next = monotonicFactory(prng);
  return () => next(now());
};

const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export const isUlid = (value: string): boolean => ULID_PATTERN.test(value) && isValid(value);

/** The UUID form of a ULID (same 128 bits), as EventStoreDB wants event ids. */
export const toUuid = (id: string): string => ulidToUUID(id).toLowerCase();

/** The ULID a UUID made by `toUuid` came from. */
export const fromUuid = (uuid: string): string => uuidToULID(uuid);

export { ULID_PATTERN };

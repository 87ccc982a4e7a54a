import fc from 'fast-check';
import {
  createIdGenerator,
  createSeededIdGenerator,
  fromUuid,
  isUlid,
  toUuid,
} from '../../src/events/ids';

describe('ids', () => {
  it('makes sortable, valid ULIDs', () => {
    const next = createIdGenerator();
    const ids = Array.from({ length: 1000 }, () => next());
    expect(ids.every(isUlid)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('converts to a UUID and back without loss', () => {
    const next = createIdGenerator();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), () => {
        const id = next();
        const uuid = toUuid(id);
        expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(fromUuid(uuid)).toBe(id);
      }),
    );
  });

  it('keeps ULID order in the UUID form', () => {
    const next = createIdGenerator();
    const ids = Array.from({ length: 200 }, () => next());
    expect(ids.map(toUuid)).toEqual([...ids.map(toUuid)].sort());
  });

  it('repeats ids for the same seed and clock', () => {
    const run = () => {
      let t = 1_700_000_000_000;
      const next = createSeededIdGenerator(42, () => (t += 3));
      return Array.from({ length: 20 }, () => next());
    };
    expect(run()).toEqual(run());
    expect(run().every(isUlid)).toBe(true);
  });

  it('rejects what is not a ULID', () => {
    expect(isUlid('01JD000000000000000000000U')).toBe(false);
    expect(isUlid('81JD0000000000000000000000')).toBe(false);
    expect(isUlid('short')).toBe(false);
  });
});

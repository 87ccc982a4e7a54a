import fc from 'fast-check';
import { canonicalJson } from '../../src/events/canonicalJson';
import { EVENT_TYPES, type DriftlessEvent } from '../../src/events/catalogue';
import { ValidationError, type ValidationIssue } from '../../src/events/errors';
import { eventIssues } from '../../src/events/parseEvent';
import { prepareAppend } from '../../src/events/prepareAppend';
import { catalogueExamples } from '../support/catalogueExamples';
import { mutatedExample } from '../support/eventMutations';

/** The issues prepareAppend throws for one event, or the event it prepared. */
const prepareOneWithin = (raw: unknown, maxEventBytes?: number) => {
  try {
    return prepareAppend('s-1', [raw], maxEventBytes)[0]!;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues as ValidationIssue[];
  }
};

const prepareOne = (raw: unknown) => prepareOneWithin(raw);

const example = catalogueExamples.MutationRecorded;

describe('prepareAppend', () => {
  it('finds for each event exactly what eventIssues finds, and serialises what it accepts', () => {
    const raws = fc.oneof(
      fc.constantFrom(...EVENT_TYPES).chain(mutatedExample),
      fc.anything({ withNullPrototype: true, withMap: true, withBigInt: true }),
    );
    fc.assert(
      fc.property(raws, (raw) => {
        const expected = eventIssues(raw, '/events/0');
        const result = prepareOne(raw);
        if (expected.length > 0) expect(result).toEqual(expected);
        else {
          const event = raw as DriftlessEvent;
          expect(result).toEqual({
            event,
            eventId: event.metadata.eventId,
            data: canonicalJson(event.data),
            metadata: canonicalJson(event.metadata),
          });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('checks the whole event is JSON, not only its data and metadata', () => {
    class Event {
      type = example.type;
      data = example.data;
      metadata = example.metadata;
    }
    expect(prepareOne(new Event())).toEqual([
      expect.objectContaining({ path: '/events/0', message: 'only plain objects are JSON' }),
    ]);
    expect(prepareOne({ ...example, extra: Number.NaN })).toEqual([
      expect.objectContaining({ path: '/events/0/extra', message: 'numbers must be finite' }),
    ]);
  });

  it('rejects a JSON value with a symbol key, as the schema does', () => {
    const value = { a: 1, [Symbol('s')]: 2 };
    const raw = { ...example, data: { ...example.data, ops: [{ op: 'set', path: '/a', value }] } };
    expect(prepareOne(raw)).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/^\/events\/0\/data\/ops\/0\/value/) }),
    ]);
  });

  it('counts UTF-8 bytes when an event may be too large', () => {
    const big = (text: string) => ({
      ...example,
      data: { ...example.data, ops: [{ op: 'set', path: '/a', value: text }] },
    });
    const overhead = (() => {
      const p = prepareAppend('s-1', [big('')])[0]!;
      return Buffer.byteLength(p.data) + Buffer.byteLength(p.metadata);
    })();
    // 3 bytes a character in UTF-8: fits by bytes exactly, then one byte over.
    const fits = big('€'.repeat(100));
    expect(() => prepareAppend('s-1', [fits], overhead + 300)).not.toThrow();
    expect(prepareOneWithin(fits, overhead + 299)).toEqual([
      expect.objectContaining({ message: 'event too large', received: `${overhead + 300} bytes` }),
    ]);
  });
});

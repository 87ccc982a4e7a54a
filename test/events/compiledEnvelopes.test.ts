import fc from 'fast-check';
import { jsonIssues } from '../../src/events/canonicalJson';
import { EVENT_TYPES, envelopeFor, type EventType } from '../../src/events/catalogue';
import { assertEnvelopeCompiles, isValidWalkedEnvelope } from '../../src/events/compiledEnvelopes';
import { catalogueExamples } from '../support/catalogueExamples';
import { mutatedExample } from '../support/eventMutations';

const agrees = (type: EventType, raw: unknown) =>
  expect(isValidWalkedEnvelope(type, raw)).toBe(envelopeFor(type).safeParse(raw).success);

describe('compiled envelopes', () => {
  it.each(EVENT_TYPES)('zod compiles the %s envelope', (type) => {
    expect(() => assertEnvelopeCompiles(type)).not.toThrow();
  });

  it.each(EVENT_TYPES)('accept the %s example', (type) => {
    expect(isValidWalkedEnvelope(type, catalogueExamples[type])).toBe(true);
  });

  it.each(EVENT_TYPES)('agree with the contract schema on any JSON mutation of %s', (type) => {
    fc.assert(
      fc.property(mutatedExample(type), (raw) => {
        fc.pre(jsonIssues(raw).length === 0);
        agrees(type, raw);
      }),
      { numRuns: 300 },
    );
  });

  it('leave objects with symbol or hidden keys inside a JSON value to the contract schema', () => {
    // JSON ignores symbol keys, zod's record rejects them: the stand-in for z.json() must not
    // accept such a value just because the JSON walk did.
    const example = catalogueExamples.MutationRecorded;
    const withSymbol = { a: 1, [Symbol('s')]: 2 };
    const withHidden = Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false });
    const withValue = (value: unknown) => ({
      ...example,
      data: { ...example.data, ops: [{ op: 'set', path: '/a', value }] },
    });
    for (const raw of [withSymbol, { nested: [withSymbol] }].map(withValue)) {
      expect(jsonIssues(raw)).toEqual([]);
      expect(envelopeFor('MutationRecorded').safeParse(raw).success).toBe(false);
      expect(isValidWalkedEnvelope('MutationRecorded', raw)).toBe(false);
    }
    expect(isValidWalkedEnvelope('MutationRecorded', withValue(withHidden))).toBe(false);
  });
});

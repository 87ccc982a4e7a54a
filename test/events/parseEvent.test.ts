import { isLeft, isRight } from 'fp-ts/Either';
import { EVENT_TYPES } from '../../src/events/catalogue';
import { parseEvent } from '../../src/events/parseEvent';
import { catalogueExamples } from '../support/catalogueExamples';

const issuesOf = (raw: unknown) => {
  const result = parseEvent(raw);
  if (!isLeft(result)) throw new Error('expected a ValidationError');
  return result.left.issues;
};

describe('parseEvent', () => {
  it.each(EVENT_TYPES)('accepts a valid %s', (type) => {
    expect(isRight(parseEvent(catalogueExamples[type]))).toBe(true);
  });

  it('lists every issue with its path, expected and received', () => {
    const bad = {
      ...catalogueExamples.BranchOpened,
      data: {
        ...catalogueExamples.BranchOpened.data,
        branchId: 'nope',
        phase: 'Not A Phase',
        extra: 1,
      },
    };
    const issues = issuesOf(bad);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: '/data/branchId',
          received: '"nope"',
          expected: expect.stringContaining('regex'),
        }),
        expect.objectContaining({ path: '/data/phase', received: '"Not A Phase"' }),
        expect.objectContaining({ path: '/data', received: 'extra', expected: 'no other keys' }),
      ]),
    );
  });

  it('names a missing field', () => {
    const { digest: _digest, ...data } = catalogueExamples.BranchCommitted.data;
    expect(issuesOf({ ...catalogueExamples.BranchCommitted, data })).toEqual([
      expect.objectContaining({ path: '/data/digest', expected: 'string', received: 'nothing' }),
    ]);
  });

  it('rejects an unknown op inside a mutation, at its index', () => {
    const data = { ...catalogueExamples.MutationRecorded.data, ops: [{ op: 'merge', path: '/a' }] };
    expect(issuesOf({ ...catalogueExamples.MutationRecorded, data })).toEqual([
      expect.objectContaining({ path: '/data/ops/0/op' }),
    ]);
  });

  it('rejects a confidence outside 0..1', () => {
    const data = {
      ...catalogueExamples.MutationRecorded.data,
      ops: [{ op: 'set', path: '/a', value: 1, confidence: 1.5 }],
    };
    expect(issuesOf({ ...catalogueExamples.MutationRecorded, data })).toEqual([
      expect.objectContaining({
        path: '/data/ops/0/confidence',
        expected: 'number of at most 1',
        received: '1.5',
      }),
    ]);
  });

  it('names an ISO date-time by example, not by its regular expression', () => {
    const data = { ...catalogueExamples.BranchOpened.data, deadline: 'tomorrow' };
    expect(issuesOf({ ...catalogueExamples.BranchOpened, data })).toEqual([
      expect.objectContaining({
        path: '/data/deadline',
        expected: 'an ISO date-time, e.g. 2026-01-31T12:00:00Z',
        received: '"tomorrow"',
      }),
    ]);
  });

  it('rejects an unknown type before looking at anything else', () => {
    expect(issuesOf({ type: 'InvoicePaid', data: {}, metadata: {} })).toEqual([
      expect.objectContaining({
        path: '/type',
        received: '"InvoicePaid"',
        expected: expect.stringContaining('BranchOpened'),
      }),
    ]);
  });

  it.each([null, 42, 'text', []])('rejects %p as not an event', (raw) => {
    expect(issuesOf(raw)[0]).toMatchObject({ path: '', expected: 'an event object' });
  });

  it('rejects prototype keys anywhere in the event', () => {
    const raw = JSON.parse(
      JSON.stringify(catalogueExamples.PhaseSealed).replace('"phase"', '"__proto__":{},"phase"'),
    ) as unknown;
    expect(issuesOf(raw)).toEqual([expect.objectContaining({ path: '/data/__proto__' })]);
  });

  it('says what was wrong in the error message', () => {
    const result = parseEvent({
      ...catalogueExamples.PhaseSealed,
      metadata: { ...catalogueExamples.PhaseSealed.metadata, schemaVersion: 0 },
    });
    expect(isLeft(result) && result.left.message).toMatch(
      /invalid event: at "\/metadata\/schemaVersion": .*expected number of at least 1, received 0/,
    );
  });
});

import fc from 'fast-check';
import { escapeSegment, formatPointer, parsePointer } from '../../src/events/jsonPointer';

describe('JSON pointers', () => {
  it('round-trips any segments, including "/", "~" and empty ones', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (segments) => {
        expect(parsePointer(formatPointer(segments))).toEqual(segments);
      }),
    );
  });

  it.each([
    ['', []],
    ['/', ['']],
    ['/a/b', ['a', 'b']],
    ['/a~1b/~0c', ['a/b', '~c']],
    ['//x/', ['', 'x', '']],
  ])('parses %j', (pointer, segments) => expect(parsePointer(pointer)).toEqual(segments));

  it.each(['a/b', '/a~2', '/a~'])('refuses %j', (pointer) =>
    expect(parsePointer(pointer)).toBeUndefined(),
  );

  it('escapes only what needs escaping', () => {
    expect(escapeSegment('plain')).toBe('plain');
    expect(escapeSegment('a/b~c')).toBe('a~1b~0c');
  });
});

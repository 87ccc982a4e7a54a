import fc from 'fast-check';
import { memberPrefix, quote, sortedKeys } from '../../src/events/jsonText';

describe('jsonText', () => {
  it('quotes any string as JSON.stringify does, lone surrogates and controls included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(quote(text)).toBe(JSON.stringify(text));
      }),
    );
    for (const text of [
      '',
      'plain',
      'a"b',
      'a\\b',
      '\n',
      '\u0000',
      '\u001f',
      '\u007f',
      '\ud800',
      '\udc00x',
      '😀',
      '\u2028',
    ])
      expect(quote(text)).toBe(JSON.stringify(text));
  });

  it('writes a member prefix as the quoted key and a colon, however many keys it has seen', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 5000 }), (keys) => {
        for (const key of keys) expect(memberPrefix(key)).toBe(`${JSON.stringify(key)}:`);
      }),
      { numRuns: 5 },
    );
  });

  it('sorts keys as Array#sort does, small objects and large', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary' }), fc.constant(1), { maxKeys: 40 }),
        (object) => {
          expect(sortedKeys(object)).toEqual(Object.keys(object).sort());
        },
      ),
    );
  });
});

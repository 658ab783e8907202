import { BadRequestException } from '@nestjs/common';
import { decodeCursor, encodeCursor, pageOf } from './cursor.js';

describe('page cursors', () => {
  it('round-trip the sort key of the last item', () => {
    const key = ['2026-03-15 00:00:00.123456+00', 'sha256:ab"c'];
    expect(decodeCursor(encodeCursor(key), ['timestamptz', 'text'])).toEqual(key);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['the wrong arity', encodeCursor(['2026-03-15 00:00:00+00'])],
    ['a malformed timestamp', encodeCursor(['yesterday', 'x'])],
    ['a non-numeric id', encodeCursor(['2026-03-15 00:00:00+00', '1 OR 1=1'])],
    ['non-strings', Buffer.from('[1, 2]').toString('base64url')],
  ])('reject %s with a 400', (_label, cursor) => {
    expect(() => decodeCursor(cursor, ['timestamptz', 'bigint'])).toThrow(BadRequestException);
  });

  it('give a next cursor only when a row beyond the page exists', () => {
    const rows = [{ k: 'a' }, { k: 'b' }, { k: 'c' }];
    const full = pageOf(
      rows,
      2,
      (r) => r.k,
      (r) => [r.k],
    );
    expect(full.items).toEqual(['a', 'b']);
    expect(decodeCursor(full.nextCursor!, ['text'])).toEqual(['b']);
    expect(
      pageOf(
        rows.slice(0, 2),
        2,
        (r) => r.k,
        (r) => [r.k],
      ).nextCursor,
    ).toBeNull();
  });
});

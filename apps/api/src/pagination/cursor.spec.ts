import { BadRequestException } from '@nestjs/common';
import { decodeCursor, encodeCursor, toPage } from './cursor';

describe('cursor', () => {
  const position = { createdAt: new Date('2026-01-02T03:04:05.678Z'), id: '0b6c2f0e-4b7d-4a53-9e0b-1c2d3e4f5a6b' };

  it('round-trips a position exactly', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each(['garbage', Buffer.from('["x","y"]').toString('base64url'), Buffer.from('{}').toString('base64url')])(
    'rejects %s with a 400',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(BadRequestException);
    },
  );

  it('gives a next cursor only when a further row exists', () => {
    const rows = [0, 1, 2].map((n) => ({ ...position, id: `${n}` }));
    expect(toPage(rows, 3, (row) => row.id)).toEqual({ data: ['0', '1', '2'], nextCursor: null });
    const page = toPage(rows, 2, (row) => row.id);
    expect(page.data).toEqual(['0', '1']);
    expect(page.nextCursor).toBe(encodeCursor(rows[1]!));
  });
});

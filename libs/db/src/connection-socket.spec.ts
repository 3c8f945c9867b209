import { SessionEndFilter } from './connection-socket';

/** A backend message: type byte, int32 length (counting itself), body. */
const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const errorResponse = (severity: string, code: string, text: string) =>
  message('E', Buffer.concat([Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${text}\0`), Buffer.from([0])]));
const dataRow = (value: string) => message('D', Buffer.concat([Buffer.from([0, 1]), Buffer.from([0, 0, 0, value.length]), Buffer.from(value)]));
const readyForQuery = message('Z', Buffer.from('T'));

/** Feeds `stream` to a filter in chunks of `size` bytes and joins what passes. */
function passInChunks(stream: Buffer, size: number): Buffer {
  const filter = new SessionEndFilter();
  const out: Buffer[] = [];
  for (let at = 0; at < stream.length; at += size) out.push(filter.pass(stream.subarray(at, at + size)));
  return Buffer.concat(out);
}

describe('SessionEndFilter', () => {
  const rows = Buffer.concat([dataRow('a'), dataRow('bb'), dataRow('c'.repeat(300))]);
  const terminating = errorResponse('FATAL', '57P01', 'terminating connection due to administrator command');

  it.each([1, 2, 3, 5, 7, 64, 100000])('drops the session-ending FATAL and passes every other byte in order (chunks of %i)', (size) => {
    expect(passInChunks(Buffer.concat([rows, terminating]), size)).toEqual(rows);
    expect(passInChunks(Buffer.concat([rows, readyForQuery, terminating, dataRow('after')]), size)).toEqual(Buffer.concat([rows, readyForQuery, dataRow('after')]));
  });

  it.each([
    ['a statement error', errorResponse('ERROR', '23505', 'duplicate key')],
    ['a failed login', errorResponse('FATAL', '28P01', 'password authentication failed')],
    ['a server starting up', errorResponse('FATAL', '57P03', 'the database system is starting up')],
  ])('passes %s unchanged', (_name, error) => {
    const stream = Buffer.concat([rows, error, readyForQuery]);
    for (const size of [1, 4, 9, 1000]) expect(passInChunks(stream, size)).toEqual(stream);
  });

  it('drops any FATAL once the session is established: PgBouncer ends a client with its own', () => {
    const crashed = errorResponse('FATAL', '08P01', 'server conn crashed?');
    for (const size of [1, 6, 1000]) {
      expect(passInChunks(Buffer.concat([readyForQuery, rows, crashed]), size)).toEqual(Buffer.concat([readyForQuery, rows]));
      // Before the first ReadyForQuery it is a refused connection, and says so.
      expect(passInChunks(Buffer.concat([crashed, readyForQuery]), size)).toEqual(Buffer.concat([crashed, readyForQuery]));
    }
    // A statement's ERROR in an established session is the statement's, never dropped.
    const duplicate = errorResponse('ERROR', '23505', 'duplicate key');
    expect(passInChunks(Buffer.concat([readyForQuery, duplicate, readyForQuery]), 4)).toEqual(Buffer.concat([readyForQuery, duplicate, readyForQuery]));
  });

  it('also drops a crash shutdown (57P02) and a PANIC', () => {
    expect(passInChunks(Buffer.concat([errorResponse('FATAL', '57P02', 'crash'), rows]), 3)).toEqual(rows);
    expect(passInChunks(Buffer.concat([errorResponse('PANIC', '57P01', 'panic'), rows]), 3)).toEqual(rows);
  });
});

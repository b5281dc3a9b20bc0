import {
  END_OF_STREAM,
  INSTREAM_COMMAND,
  MAX_CHUNK_BYTES,
  PING_COMMAND,
  chunkHeader,
  parseInstreamReply,
} from './clamd-protocol';

describe('clamd protocol', () => {
  it('uses NUL-terminated commands and a 4-byte zero terminator', () => {
    expect(INSTREAM_COMMAND).toEqual(Buffer.from('zINSTREAM\0'));
    expect(PING_COMMAND).toEqual(Buffer.from('zPING\0'));
    expect(END_OF_STREAM).toEqual(Buffer.from([0, 0, 0, 0]));
  });

  it.each([
    [1, [0, 0, 0, 1]],
    [255, [0, 0, 0, 0xff]],
    [256, [0, 0, 1, 0]],
    [65_536, [0, 1, 0, 0]],
    [0x01020304, [1, 2, 3, 4]],
    [MAX_CHUNK_BYTES, [0xff, 0xff, 0xff, 0xff]],
  ])('a chunk of %d bytes has the big-endian header %j', (length, bytes) => {
    expect(chunkHeader(length)).toEqual(Buffer.from(bytes));
  });

  it.each([0, -1, 1.5, NaN, Infinity, MAX_CHUNK_BYTES + 1])(
    'refuses a header for %d bytes (a zero length would end the stream)',
    (length) => {
      expect(() => chunkHeader(length)).toThrow(RangeError);
    },
  );

  it.each([
    ['stream: OK', { kind: 'clean' }],
    ['stream: Win.Test.EICAR_HDB-1 FOUND', { kind: 'infected', signature: 'Win.Test.EICAR_HDB-1' }],
    [
      'stream: Eicar-Test-Signature.UNOFFICIAL FOUND',
      { kind: 'infected', signature: 'Eicar-Test-Signature.UNOFFICIAL' },
    ],
    [
      'stream: Eicar-Test-Signature(44d88612fea8a8f36de82e1278abb02f:68) FOUND',
      { kind: 'infected', signature: 'Eicar-Test-Signature(44d88612fea8a8f36de82e1278abb02f:68)' },
    ],
    ['INSTREAM size limit exceeded. ERROR', { kind: 'size-limit' }],
    [
      "stream: Can't allocate memory ERROR",
      { kind: 'error', message: "stream: Can't allocate memory" },
    ],
    ['UNKNOWN COMMAND ERROR', { kind: 'error', message: 'UNKNOWN COMMAND' }],
    ['bad\u0001bytes\u00ff ERROR', { kind: 'error', message: 'bad?bytes?' }],
    [`${'x'.repeat(300)} ERROR`, { kind: 'error', message: 'x'.repeat(200) }],
    ['', { kind: 'malformed' }],
    ['stream: ok', { kind: 'malformed' }],
    ['stream: OK ', { kind: 'malformed' }],
    [' stream: OK', { kind: 'malformed' }],
    ['OK', { kind: 'malformed' }],
    ['PONG', { kind: 'malformed' }],
    ['COMMAND READ TIMED OUT', { kind: 'malformed' }],
    ['stream:  FOUND', { kind: 'malformed' }],
    ['stream: two words FOUND', { kind: 'malformed' }],
    ['stream: tab\tsig FOUND', { kind: 'malformed' }],
    ['stream: caf\u00e9 FOUND', { kind: 'malformed' }],
    [`stream: ${'a'.repeat(257)} FOUND`, { kind: 'malformed' }],
    ['stream: OK\nstream: Evil FOUND', { kind: 'malformed' }],
  ])('reads %j as %j', (line, expected) => {
    expect(parseInstreamReply(line)).toEqual(expected);
  });

  it('keeps a signature of exactly 256 characters', () => {
    const signature = 's'.repeat(256);
    expect(parseInstreamReply(`stream: ${signature} FOUND`)).toEqual({
      kind: 'infected',
      signature,
    });
  });
});

/**
 * The parts of clamd's socket protocol that {@link ClamAvScanner} speaks (see `man clamd`).
 * Commands carry the `z` prefix, so every command and reply ends with a NUL byte.
 *
 * `INSTREAM` sends the bytes as chunks, each a 4-byte unsigned big-endian length followed by that
 * many bytes, and a zero length ends the stream. clamd answers `stream: OK`,
 * `stream: <signature> FOUND`, `INSTREAM size limit exceeded. ERROR` (its `StreamMaxLength`) or
 * another `... ERROR`.
 */

/** `zINSTREAM\0`: starts a stream scan. */
export const INSTREAM_COMMAND: Buffer = Buffer.from('zINSTREAM\0', 'latin1');

/** `zPING\0`: clamd answers `PONG`. */
export const PING_COMMAND: Buffer = Buffer.from('zPING\0', 'latin1');

/** The zero-length chunk that ends an `INSTREAM`. */
export const END_OF_STREAM: Buffer = Buffer.alloc(4);

/** The largest chunk length the 4-byte header can carry, in bytes. */
export const MAX_CHUNK_BYTES = 0xffff_ffff;

/**
 * The longest reply read before giving up on it, in bytes (NUL included). clamd's replies are
 * a few dozen bytes; anything longer is not clamd.
 */
export const MAX_REPLY_BYTES = 1_024;

/**
 * The 4-byte big-endian length that precedes a chunk of `length` bytes (1 to 2^32 - 1).
 *
 * @example
 * socket.write(chunkHeader(chunk.length));
 * socket.write(chunk);
 */
export function chunkHeader(length: number): Buffer {
  if (!Number.isInteger(length) || length < 1 || length > MAX_CHUNK_BYTES) {
    throw new RangeError(`a chunk must hold 1 to ${MAX_CHUNK_BYTES} bytes, got ${length}`);
  }
  const header = Buffer.alloc(4);
  header.writeUInt32BE(length, 0);
  return header;
}

/**
 * What one `INSTREAM` reply means.
 *
 * @example
 * const reply: InstreamReply = { kind: 'size-limit' };
 */
export type InstreamReply =
  | { readonly kind: 'clean' }
  | { readonly kind: 'infected'; readonly signature: string }
  | { readonly kind: 'size-limit' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'malformed' };

/** A signature name as clamd prints it: printable ASCII without spaces, at most 256 characters. */
const SIGNATURE = /^[\x21-\x7e]{1,256}$/;
const FOUND = /^stream: (.*) FOUND$/;
const ERROR = /^(.*) ERROR$/;

/**
 * Reads one `INSTREAM` reply: the text before its NUL (decoded as latin1, so no byte is lost).
 * Anything that is not exactly one of clamd's answers is `malformed`; the caller must then fail
 * closed.
 *
 * @example
 * parseInstreamReply('stream: Win.Test.EICAR_HDB-1 FOUND'); // { kind: 'infected', signature: 'Win.Test.EICAR_HDB-1' }
 */
export function parseInstreamReply(line: string): InstreamReply {
  if (line === 'stream: OK') return { kind: 'clean' };
  const found = FOUND.exec(line);
  if (found !== null) {
    const signature = found[1] ?? '';
    return SIGNATURE.test(signature) ? { kind: 'infected', signature } : { kind: 'malformed' };
  }
  if (line === 'INSTREAM size limit exceeded. ERROR') return { kind: 'size-limit' };
  const error = ERROR.exec(line);
  if (error !== null) return { kind: 'error', message: printable(error[1] ?? '') };
  return { kind: 'malformed' };
}

/** `text` with anything but printable ASCII replaced by `?`, cut to 200 characters, for a log. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

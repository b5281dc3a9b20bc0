/**
 * Every type {@link sniffContentType} can recognise. `text/html`, `application/xml` and
 * `image/svg+xml` are recognised so that markup is never mistaken for `text/plain`; allow them
 * only for files that are never served inline.
 *
 * @example
 * SNIFFED_CONTENT_TYPES.includes('image/png'); // true
 */
export const SNIFFED_CONTENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'text/plain',
  'text/html',
  'application/xml',
  'image/svg+xml',
] as const;

/**
 * A type recognised from a file's first bytes. `text/plain` means UTF-8 (ASCII included) text
 * without binary control bytes; `application/zip` includes every zip-based format (docx, xlsx,
 * odt, jar, apk), which the first bytes cannot tell apart.
 *
 * @example
 * const avatarTypes: readonly SniffedContentType[] = ['image/png', 'image/jpeg', 'image/webp'];
 */
export type SniffedContentType = (typeof SNIFFED_CONTENT_TYPES)[number];

/**
 * How many of a file's first bytes {@link sniffContentType} reads, at most (4 KiB). The binary
 * signatures need 12; the rest is for the text check.
 *
 * @example
 * const type = sniffContentType(firstBytes.subarray(0, CONTENT_SNIFF_BYTES));
 */
export const CONTENT_SNIFF_BYTES = 4_096;

/** A signature: `bytes` at `offset`. */
interface MagicNumber {
  readonly type: SniffedContentType;
  readonly offset: number;
  readonly bytes: readonly number[];
}

const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

/** Signatures at offset 0, except WebP's second half; checked before the text heuristic. */
const MAGIC_NUMBERS: readonly (readonly MagicNumber[])[] = [
  [{ type: 'image/png', offset: 0, bytes: [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a] }],
  [{ type: 'image/jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] }],
  [{ type: 'image/gif', offset: 0, bytes: ascii('GIF87a') }],
  [{ type: 'image/gif', offset: 0, bytes: ascii('GIF89a') }],
  [
    { type: 'image/webp', offset: 0, bytes: ascii('RIFF') },
    { type: 'image/webp', offset: 8, bytes: ascii('WEBP') },
  ],
  [{ type: 'application/pdf', offset: 0, bytes: ascii('%PDF-') }],
  // A local file header, or the end of central directory of an empty archive.
  [{ type: 'application/zip', offset: 0, bytes: [...ascii('PK'), 0x03, 0x04] }],
  [{ type: 'application/zip', offset: 0, bytes: [...ascii('PK'), 0x05, 0x06] }],
  // ID1 ID2 and CM = 8 (deflate), the only method defined.
  [{ type: 'application/gzip', offset: 0, bytes: [0x1f, 0x8b, 0x08] }],
];

/**
 * WHATWG's "binary data bytes": no text file contains them (tab, line feed, form feed, carriage
 * return and escape are text).
 */
function isBinaryByte(byte: number): boolean {
  return (
    byte <= 0x08 ||
    byte === 0x0b ||
    (byte >= 0x0e && byte <= 0x1a) ||
    (byte >= 0x1c && byte <= 0x1f)
  );
}

/** Text that starts, after whitespace, with a tag: `<` then a letter, `!`, `?` or `/`. */
const MARKUP_START = /^[\t\n\f\r ]*<[a-z!?/]/i;

/** How far PDF readers look for `%PDF-`, in bytes (they open a file with junk before it). */
const PDF_HEADER_WINDOW = 1_024;
const PDF_HEADER = Buffer.from('%PDF-', 'latin1');

/**
 * Tells a file's real type from its first bytes (magic numbers), never from its name or the
 * client's `Content-Type`. Reads at most {@link CONTENT_SNIFF_BYTES} of `head`; pass at least
 * that many when the file has them, since a short head can make text look cut.
 *
 * Binary signatures (PNG, JPEG, GIF, WebP, PDF, zip, gzip) must start at byte 0. A file with
 * `%PDF-` after byte 0 but within its first 1024 bytes, which PDF readers still open as a PDF, is
 * not recognised at all, whatever it starts with (a polyglot such as a GIF that is also a PDF). Otherwise the head is text if it is valid UTF-8 (an optional BOM, a
 * multi-byte character cut at the end of the head allowed) without binary control bytes. Text
 * that starts with a tag (`<` then a letter, `!`, `?` or `/`) is markup: `image/svg+xml` when it
 * has an `<svg` element, else `application/xml` for `<?xml`, else `text/html`; never
 * `text/plain`. UTF-16 text, an empty file and anything else give `undefined`.
 *
 * @example
 * const type = sniffContentType(firstBytes); // 'image/png'
 * assertAllowedType(type, ['image/png', 'image/jpeg']);
 */
export function sniffContentType(head: Uint8Array): SniffedContentType | undefined {
  if (!(head instanceof Uint8Array)) throw new TypeError('head must be a Buffer or Uint8Array');
  const bytes = Buffer.from(
    head.buffer,
    head.byteOffset,
    Math.min(head.length, CONTENT_SNIFF_BYTES),
  );
  // Any file that PDF readers would also open as a PDF, other than a PDF, is a polyglot.
  if (bytes.subarray(0, PDF_HEADER_WINDOW).indexOf(PDF_HEADER) > 0) return undefined;
  for (const parts of MAGIC_NUMBERS) {
    if (parts.every((part) => matches(bytes, part))) return parts[0]?.type;
  }
  return sniffText(bytes);
}

function matches(bytes: Buffer, { offset, bytes: expected }: MagicNumber): boolean {
  if (bytes.length < offset + expected.length) return false;
  return expected.every((byte, index) => bytes[offset + index] === byte);
}

function sniffText(bytes: Buffer): SniffedContentType | undefined {
  if (bytes.length === 0) return undefined;
  let text: string;
  try {
    // `stream: true` lets the head end inside a multi-byte character; BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
  if (text === '' || bytes.some(isBinaryByte)) return undefined;
  if (MARKUP_START.test(text)) {
    if (/<svg[\s>/]/i.test(text)) return 'image/svg+xml';
    return /^[\t\n\f\r ]*<\?xml[\s?]/i.test(text) ? 'application/xml' : 'text/html';
  }
  return 'text/plain';
}

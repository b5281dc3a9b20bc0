import { CONTENT_SNIFF_BYTES, sniffContentType } from './sniff-content-type';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((part) =>
      typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part),
    ),
  );
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('sniffContentType', () => {
  it.each<[string, Buffer, string | undefined]>([
    // Binary signatures at byte 0.
    ['a PNG', bytes(PNG, [0, 0, 0, 13], 'IHDR'), 'image/png'],
    ['a PNG signature alone', bytes(PNG), 'image/png'],
    ['a PNG signature cut short', bytes(PNG.slice(0, 7)), undefined],
    ['a JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'image/jpeg'],
    ['a JPEG (Exif)', bytes([0xff, 0xd8, 0xff, 0xe1]), 'image/jpeg'],
    ['two JPEG bytes only', bytes([0xff, 0xd8]), undefined],
    ['a GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'image/gif'],
    ['a GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
    ['"GIF88a" (just text)', bytes('GIF88a'), 'text/plain'],
    ['a WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['a RIFF WAVE (not WebP)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), undefined],
    ['RIFF without the WEBP part', bytes('RIFF', [0x24, 0, 0, 0]), undefined],
    ['a PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'), 'application/pdf'],
    ['a GIF that is also a PDF (a polyglot)', bytes('GIF89a', '%PDF-1.7\n'), undefined],
    ['a PNG with %PDF- in a chunk', bytes(PNG, [0, 0, 0, 9], 'tEXt%PDF-1.7'), undefined],
    ['text with %PDF- after spaces', bytes('   %PDF-1.4'), undefined],
    ['%PDF- after the first 1024 bytes', bytes('a'.repeat(1_024), '%PDF-'), 'text/plain'],
    ['a zip entry', bytes('PK', [3, 4, 20, 0]), 'application/zip'],
    ['an empty zip', bytes('PK', [5, 6], new Array<number>(18).fill(0)), 'application/zip'],
    ['a zip central directory (not a start)', bytes('PK', [1, 2]), undefined],
    ['a gzip', bytes([0x1f, 0x8b, 0x08, 0]), 'application/gzip'],
    ['gzip with an unknown method', bytes([0x1f, 0x8b, 0x07]), undefined],
    ['an ELF executable', bytes([0x7f], 'ELF', [2, 1, 1, 0]), undefined],
    ['a Windows executable', bytes('MZ', [0x90, 0, 3, 0]), undefined],
    // Text.
    ['ASCII text', utf8('hello world\n'), 'text/plain'],
    ['CSV', utf8('id,name\r\n1,Ada\r\n'), 'text/plain'],
    ['JSON', utf8('{"a": [1, 2]}'), 'text/plain'],
    ['UTF-8 text', utf8('Grüße, 東京 🌸'), 'text/plain'],
    ['UTF-8 text with a BOM', bytes([0xef, 0xbb, 0xbf], 'hello'), 'text/plain'],
    ['tab, form feed and escape', bytes('a\tb\fc\x1b[0m'), 'text/plain'],
    ['DEL', bytes('a\x7fb'), 'text/plain'],
    ['a multi-byte character cut at the end', bytes('ab', [0xc3]), 'text/plain'],
    ['a cut character in the middle', bytes('a', [0xc3], 'b'), undefined],
    ['Latin-1 text (not UTF-8)', bytes('caf\xe9 au lait'), undefined],
    ['an overlong encoding of "/"', bytes('a', [0xc0, 0xaf]), undefined],
    ['an encoded surrogate', bytes('a', [0xed, 0xa0, 0x80]), undefined],
    ['UTF-16 text with a BOM', bytes([0xff, 0xfe, 0x68, 0, 0x69, 0]), undefined],
    ['a NUL byte', bytes('abc\x00def'), undefined],
    ['a vertical tab', bytes('abc\x0bdef'), undefined],
    ['a BOM alone', bytes([0xef, 0xbb, 0xbf]), undefined],
    ['nothing', bytes(), undefined],
    // Markup is never text/plain.
    ['an HTML document', utf8('<!DOCTYPE html><html><body>hi</body></html>'), 'text/html'],
    ['HTML after whitespace', utf8('\r\n \t<html>'), 'text/html'],
    ['a script', utf8('<script>alert(1)</script>'), 'text/html'],
    ['an img tag', utf8('<img src=x onerror=alert(1)>'), 'text/html'],
    ['a comment', utf8('<!-- hi -->'), 'text/html'],
    ['a closing tag', utf8('</p>'), 'text/html'],
    ['upper case', utf8('<SCRIPT SRC=//evil.example>'), 'text/html'],
    ['HTML after a BOM', bytes([0xef, 0xbb, 0xbf], '<html>'), 'text/html'],
    ['XML', utf8('<?xml version="1.0"?><note/>'), 'application/xml'],
    [
      'SVG with an XML declaration',
      utf8('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'image/svg+xml',
    ],
    ['SVG', utf8('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'), 'image/svg+xml'],
    [
      'SVG after a doctype',
      utf8('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg>'),
      'image/svg+xml',
    ],
    ['"<" then a space', utf8('< 3 is less than 4'), 'text/plain'],
    ['"<" then a digit', utf8('<3 you'), 'text/plain'],
    ['markup after text', utf8('note: <script>alert(1)</script>'), 'text/plain'],
  ])('%s -> %s', (_name, head, expected) => {
    expect(sniffContentType(head)).toBe(expected);
  });

  it('ignores what the extension or Content-Type would say: only bytes count', () => {
    expect(sniffContentType(utf8('<html><script>alert(1)</script>'))).toBe('text/html');
  });

  it(`reads only the first ${CONTENT_SNIFF_BYTES} bytes`, () => {
    expect(sniffContentType(bytes('a'.repeat(CONTENT_SNIFF_BYTES), [0]))).toBe('text/plain');
    expect(sniffContentType(bytes('a'.repeat(CONTENT_SNIFF_BYTES - 1), [0]))).toBeUndefined();
  });

  it('accepts a plain Uint8Array, also a view into a larger buffer', () => {
    const backing = bytes('xx', PNG, 'yy');
    expect(sniffContentType(new Uint8Array(backing.buffer, backing.byteOffset + 2, 8))).toBe(
      'image/png',
    );
  });

  it.each([undefined, null, 'hello', [0x89], 42])(
    'refuses %p (not bytes) with a TypeError',
    (head) => {
      expect(() => sniffContentType(head as unknown as Uint8Array)).toThrow(TypeError);
    },
  );
});

import { describe } from '../../core/option-readers';

/**
 * Options of {@link sanitizeFileName}.
 *
 * @example
 * sanitizeFileName(name, { maxBytes: 100, fallback: 'upload.bin' });
 */
export interface SanitizeFileNameOptions {
  /**
   * The longest result, in UTF-8 bytes (most file systems allow 255). A longer name is cut at a
   * character boundary, keeping its extension.
   * @default 255
   */
  readonly maxBytes?: number;
  /**
   * The name returned when nothing usable is left (an empty, dot-only or missing name). It must
   * itself be a sanitized name of at most `maxBytes` bytes.
   * @default 'file'
   */
  readonly fallback?: string;
}

const DEFAULT_MAX_BYTES = 255;
const DEFAULT_FALLBACK = 'file';
/** The longest extension kept when a name is cut, in bytes, dot included. */
const MAX_EXTENSION_BYTES = 16;

/**
 * Candidates for removal: control characters (C0, DEL, C1), format characters (bidi overrides
 * and isolates, zero-width space, BOM, soft hyphen, tags), lone surrogates, and unassigned code
 * points, of which only noncharacters are removed (see {@link removed}).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Cn}]/gu;
/** Zero-width non-joiner and joiner: format characters that scripts and emoji sequences need. */
const JOINERS = new Set(['\u200c', '\u200d']);
/** Line and paragraph separators: whitespace, not line breaks, in a name. */
const LINE_SEPARATORS = /[\u2028\u2029]/g;
/**
 * Replaced by `_`: characters Windows forbids in a name (`:` also opens an NTFS alternate data
 * stream), and slashes that look like, or are mapped by Windows' best-fit code pages to, `/` or
 * `\` (fullwidth, division, fraction, big and small solidus, reverse solidus operator).
 */
const REPLACED = /[<>:"|?*\uff0f\uff3c\u2215\u2044\u29f8\u29f9\u29f5\ufe68]/g;
/** Windows device names, reserved with any extension and in any case. */
const RESERVED = /^(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|CLOCK\$|(?:COM|LPT)[0-9¹²³])$/i;

let graphemes: Intl.Segmenter | undefined;

/**
 * Turns a client's file name into one that is safe as a single path segment on Linux, macOS and
 * Windows, and to show or put in a `Content-Disposition` header (still encoded there). Store
 * files under a name you generate, not this one: two uploads may sanitize to the same name.
 *
 * In order, it:
 * 1. removes control characters (NUL included), bidi overrides and other invisible format
 *    characters, lone surrogates and noncharacters, then NFC-normalises;
 * 2. keeps the last path segment, splitting on both `/` and `\`;
 * 3. replaces `< > : " | ? *` and look-alike slashes (`／`, `＼`, `∕`, `⁄`, ...) with `_`;
 * 4. strips leading dots, whitespace and hyphens (no hidden file, no `..`, no `-option` for a
 *    command line), and trailing dots and whitespace (Windows drops them);
 * 5. prefixes a reserved Windows device name (`CON`, `nul.txt`, `COM1.tar.gz`, ...) with `_`;
 * 6. cuts the name to `maxBytes` UTF-8 bytes at a character (grapheme) boundary, keeping an
 *    extension of up to 16 bytes;
 * 7. returns `fallback` when nothing is left, or when `name` is not a string.
 *
 * It never decodes percent-encoding: `%2e%2e` stays as it is, harmless. The result is never
 * empty and never exceeds `maxBytes`.
 *
 * @throws TypeError or RangeError when an option is malformed.
 * @example
 * sanitizeFileName('../../etc/passwd'); // 'passwd'
 * sanitizeFileName('C:\\Users\\me\\invoice\u202Efdp.exe'); // 'invoicefdp.exe'
 * sanitizeFileName('CON.txt'); // '_CON.txt'
 * sanitizeFileName('...'); // 'file'
 */
export function sanitizeFileName(
  name: string | null | undefined,
  options: SanitizeFileNameOptions = {},
): string {
  const { maxBytes, fallback } = readOptions(options);
  if (typeof name !== 'string') return fallback;
  const cleaned = clean(name);
  let result = fit(cleaned, maxBytes);
  // Cutting may leave a trailing dot or space, or turn `CONTRACT` into `CON`.
  if (RESERVED.test(stem(result))) result = fit(`_${result}`, maxBytes);
  return result === '' ? fallback : result;
}

/** Steps 1 to 5. */
function clean(name: string): string {
  const visible = name.replace(INVISIBLE, removed).replace(LINE_SEPARATORS, ' ').normalize('NFC');
  const segment = visible.split(/[/\\]/).pop() ?? '';
  const replaced = segment
    .replace(REPLACED, '_')
    .replace(/^[\s.-]+/u, '')
    .replace(/[\s.]+$/u, '');
  return RESERVED.test(stem(replaced)) ? `_${replaced}` : replaced;
}

/**
 * What replaces an {@link INVISIBLE} character: nothing, except for the joiners and for code
 * points unassigned in this Node's Unicode but not noncharacters (a newer emoji, say).
 */
function removed(char: string): string {
  if (JOINERS.has(char)) return char;
  const code = char.codePointAt(0) ?? 0;
  const unassigned = /\p{Cn}/u.test(char);
  const noncharacter = (code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe;
  return unassigned && !noncharacter ? char : '';
}

/** The part before the first dot, without trailing whitespace: what Windows checks. */
function stem(name: string): string {
  const dot = name.indexOf('.');
  return (dot === -1 ? name : name.slice(0, dot)).replace(/\s+$/u, '');
}

/** `name` in at most `maxBytes` bytes (step 6), without trailing dots or whitespace. */
function fit(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  const extensionBytes = Buffer.byteLength(extension);
  const keep =
    extension !== '' && extensionBytes <= Math.min(MAX_EXTENSION_BYTES, Math.floor(maxBytes / 2));
  const body = keep ? name.slice(0, dot) : name;
  const cut = truncate(body, maxBytes - (keep ? extensionBytes : 0)).replace(/[\s.]+$/u, '');
  return cut === '' ? '' : `${cut}${keep ? extension : ''}`;
}

/** The longest prefix of `text` in `budget` bytes, ending at a grapheme boundary if it can. */
function truncate(text: string, budget: number): string {
  graphemes ??= new Intl.Segmenter('und', { granularity: 'grapheme' });
  let result = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = Buffer.byteLength(segment);
    if (used + size > budget) {
      // One grapheme longer than the whole budget (a base with many marks): cut inside it.
      return result === '' ? truncateCodePoints(segment, budget) : result;
    }
    result += segment;
    used += size;
  }
  return result;
}

function truncateCodePoints(text: string, budget: number): string {
  let result = '';
  let used = 0;
  for (const char of text) {
    used += Buffer.byteLength(char);
    if (used > budget) break;
    result += char;
  }
  return result;
}

function readOptions(options: SanitizeFileNameOptions): { maxBytes: number; fallback: string } {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const maxBytes =
    options.maxBytes === undefined ? DEFAULT_MAX_BYTES : (options.maxBytes as unknown);
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || Object.is(maxBytes, -0)) {
    throw new TypeError(`maxBytes must be a whole number of bytes, got ${describe(maxBytes)}`);
  }
  if (maxBytes < 1 || maxBytes > 1_024) {
    throw new RangeError(`maxBytes must be from 1 to 1024 bytes, got ${describe(maxBytes)}`);
  }
  const fallback =
    options.fallback === undefined ? DEFAULT_FALLBACK : (options.fallback as unknown);
  if (
    typeof fallback !== 'string' ||
    fallback === '' ||
    clean(fallback) !== fallback ||
    Buffer.byteLength(fallback) > maxBytes
  ) {
    throw new TypeError(
      `fallback must be a non-empty, already sanitized file name of at most ${maxBytes} bytes`,
    );
  }
  return { maxBytes, fallback };
}

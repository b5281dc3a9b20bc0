import { sanitizeFileName } from './sanitize-file-name';

const bytes = (text: string): number => Buffer.byteLength(text);

describe('sanitizeFileName', () => {
  it.each<[string, string | null | undefined, string]>([
    // Ordinary names are kept.
    ['a plain name', 'report.pdf', 'report.pdf'],
    ['spaces inside', 'my holiday photo.jpg', 'my holiday photo.jpg'],
    ['several dots', 'archive.tar.gz', 'archive.tar.gz'],
    ['no extension', 'README', 'README'],
    ['Unicode letters', 'Grüße aus 東京.txt', 'Grüße aus 東京.txt'],
    ['an emoji ZWJ sequence', 'family 👨‍👩‍👧.png', 'family 👨‍👩‍👧.png'],
    ['a ZWNJ in Persian', 'می‌خواهم.txt', 'می‌خواهم.txt'],
    ['percent-encoding (never decoded)', '..%2F..%2Fetc%2Fpasswd', '%2F..%2Fetc%2Fpasswd'],
    // Paths: only the last segment is kept, on both separators.
    ['a relative traversal', '../../etc/passwd', 'passwd'],
    ['an absolute path', '/etc/passwd', 'passwd'],
    ['a Windows path', 'C:\\Users\\me\\Desktop\\evil.exe', 'evil.exe'],
    ['a Windows traversal', '..\\..\\windows\\win.ini', 'win.ini'],
    ['a UNC path', '\\\\server\\share\\doc.txt', 'doc.txt'],
    ['mixed separators', 'a/b\\c/d.txt', 'd.txt'],
    ['a trailing slash', 'photos/', 'file'],
    ['a slash alone', '/', 'file'],
    ['a drive-relative name', 'C:evil.exe', 'C_evil.exe'],
    // Characters Windows forbids, and look-alike slashes.
    ['an NTFS alternate data stream', 'file.txt:Zone.Identifier', 'file.txt_Zone.Identifier'],
    ['every forbidden character', 'a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['fullwidth slashes', '..／..／etc／passwd', '_.._etc_passwd'],
    ['fullwidth reverse solidus', 'a＼b.txt', 'a_b.txt'],
    ['division and fraction slashes', 'a∕b⁄c.txt', 'a_b_c.txt'],
    ['small reverse solidus and operators', 'a﹨b⧵c⧸d⧹e', 'a_b_c_d_e'],
    ['fullwidth colon (CJK punctuation, kept)', '資料：2024.pdf', '資料：2024.pdf'],
    // Control characters and NUL are removed.
    ['NUL truncation', 'shell.php\u0000.jpg', 'shell.php.jpg'],
    ['a newline', 'a\nb.txt', 'ab.txt'],
    ['CR LF header injection', 'a.txt\r\nSet-Cookie: x=1', 'a.txtSet-Cookie_ x=1'],
    ['a tab', 'a\tb.txt', 'ab.txt'],
    ['DEL', 'a\u007fb.txt', 'ab.txt'],
    ['a C1 control', 'a\u0085b\u009bc.txt', 'abc.txt'],
    ['an escape sequence', '\u001b[31mred.txt', '[31mred.txt'],
    // Invisible format characters.
    ['a right-to-left override', 'invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['bidi embeddings and isolates', '\u202ax\u202b\u202c\u2066y\u2067\u2068\u2069.txt', 'xy.txt'],
    ['marks LRM RLM ALM', 'a\u200eb\u200fc\u061c.txt', 'abc.txt'],
    ['a zero-width space', 'pay\u200bpal.pdf', 'paypal.pdf'],
    ['a BOM', '\ufeffnotes.txt', 'notes.txt'],
    ['a word joiner and a soft hyphen', 'a\u2060b\u00adc.txt', 'abc.txt'],
    ['Unicode tag characters', 'a\u{e0041}\u{e0042}.txt', 'a.txt'],
    ['a lone high surrogate', 'a\ud800b.txt', 'ab.txt'],
    ['a lone low surrogate', 'a\udc00b.txt', 'ab.txt'],
    ['noncharacters', 'a\ufffeb\uffff\ufdd0\u{1fffe}\u{10ffff}.txt', 'ab.txt'],
    ['line and paragraph separators', 'a\u2028b\u2029c.txt', 'a b c.txt'],
    // NFC.
    ['a decomposed é', 'cafe\u0301.txt', 'caf\u00e9.txt'],
    ['a decomposed Å, split by a NUL', 'A\u0000\u030a.txt', '\u00c5.txt'],
    ['an Å on a removed path', 'x/\u030a', '\u030a'],
    // Leading and trailing characters.
    ['a dot file', '.htaccess', 'htaccess'],
    ['a double dot file', '..bashrc', 'bashrc'],
    ['a dot', '.', 'file'],
    ['two dots', '..', 'file'],
    ['three dots', '...', 'file'],
    ['leading spaces', '   spaced.txt', 'spaced.txt'],
    ['a leading hyphen (an option to a command)', '-rf', 'rf'],
    ['leading hyphens and dots', '--.-help.txt', 'help.txt'],
    ['a hyphen inside', 'a-b.txt', 'a-b.txt'],
    ['trailing dots and spaces', 'evil.exe. . ', 'evil.exe'],
    ['a trailing dot', 'name.', 'name'],
    ['a non-breaking space at the ends', '\u00a0name.txt\u00a0', 'name.txt'],
    ['an ideographic space at the ends', '\u3000名前.txt\u3000', '名前.txt'],
    // Reserved Windows device names.
    ['CON', 'CON', '_CON'],
    ['con with an extension', 'con.txt', '_con.txt'],
    ['Nul in mixed case', 'Nul.tar.gz', '_Nul.tar.gz'],
    ['AUX with a space before the dot', 'aux .txt', '_aux .txt'],
    ['PRN', 'prn.log', '_prn.log'],
    ['COM1', 'COM1.jpg', '_COM1.jpg'],
    ['COM0', 'com0', '_com0'],
    ['LPT9', 'lpt9.txt', '_lpt9.txt'],
    ['COM with a superscript digit', 'COM¹.txt', '_COM¹.txt'],
    ['LPT with a superscript digit', 'lpt³', '_lpt³'],
    ['CONIN$', 'CONIN$', '_CONIN$'],
    ['CONOUT$', 'conout$.txt', '_conout$.txt'],
    ['CLOCK$', 'clock$', '_clock$'],
    ['a reserved name after a path', 'C:\\dir\\nul.txt', '_nul.txt'],
    ['a reserved name behind a dot', '.con', '_con'],
    ['COM10 (not reserved)', 'COM10.txt', 'COM10.txt'],
    ['CONSOLE (not reserved)', 'console.log', 'console.log'],
    ['a reserved name later (not reserved)', 'my.con', 'my.con'],
    // Nothing left, or not a string.
    ['an empty name', '', 'file'],
    ['only spaces', '   ', 'file'],
    ['only control characters', '\u0000\u0001\u001f', 'file'],
    ['only a right-to-left override', '\u202e', 'file'],
    ['only forbidden separators', '/\\/\\', 'file'],
    ['undefined', undefined, 'file'],
    ['null', null, 'file'],
  ])('%s: %j -> %j', (_name, input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it.each([42, {}, [], true, Symbol('x')])(
    'returns the fallback for a non-string (%p)',
    (input) => {
      expect(sanitizeFileName(input as unknown as string)).toBe('file');
    },
  );

  describe('length', () => {
    it('keeps a name of exactly 255 bytes', () => {
      const name = `${'a'.repeat(251)}.pdf`;
      expect(sanitizeFileName(name)).toBe(name);
    });

    it('cuts a long ASCII name to 255 bytes, keeping the extension', () => {
      const result = sanitizeFileName(`${'a'.repeat(300)}.pdf`);
      expect(result).toBe(`${'a'.repeat(251)}.pdf`);
      expect(bytes(result)).toBe(255);
    });

    it('counts bytes, not characters, and never splits a character', () => {
      const result = sanitizeFileName(`${'é'.repeat(200)}.txt`);
      expect(result).toBe(`${'é'.repeat(125)}.txt`);
      expect(bytes(result)).toBe(254);
    });

    it('never splits an emoji ZWJ sequence (a grapheme)', () => {
      const family = '👨‍👩‍👧'; // 18 bytes
      const result = sanitizeFileName(`${family.repeat(20)}.png`, { maxBytes: 50 });
      expect(result).toBe(`${family.repeat(2)}.png`);
    });

    it('cuts inside a grapheme longer than the whole budget, at a code point', () => {
      const zalgo = `a${'\u0301'.repeat(300)}`;
      const result = sanitizeFileName(`${zalgo}.txt`, { maxBytes: 20 });
      // NFC first makes a + U+0301 one code point, á (2 bytes): á and 7 marks fill 16 bytes.
      expect(result).toBe(`\u00e1${'\u0301'.repeat(7)}.txt`);
      expect(bytes(result)).toBeLessThanOrEqual(20);
    });

    it('cuts a name without an extension', () => {
      expect(sanitizeFileName('x'.repeat(300))).toBe('x'.repeat(255));
    });

    it('treats an over-long extension as part of the name', () => {
      const result = sanitizeFileName(`name.${'e'.repeat(300)}`);
      expect(result).toBe(`name.${'e'.repeat(250)}`);
    });

    it('keeps an extension of 16 bytes, not of 17', () => {
      expect(sanitizeFileName(`${'a'.repeat(40)}.${'b'.repeat(15)}`, { maxBytes: 40 })).toBe(
        `${'a'.repeat(24)}.${'b'.repeat(15)}`,
      );
      expect(sanitizeFileName(`${'a'.repeat(40)}.${'b'.repeat(16)}`, { maxBytes: 40 })).toBe(
        'a'.repeat(40),
      );
    });

    it('keeps an extension only if it takes at most half the budget', () => {
      expect(sanitizeFileName('abcdefgh.txt', { maxBytes: 8 })).toBe('abcd.txt');
      expect(sanitizeFileName('abcdefgh.jpeg', { maxBytes: 8 })).toBe('abcdefgh');
    });

    it('drops dots and spaces left at the end by the cut', () => {
      expect(sanitizeFileName('abc. . def', { maxBytes: 6 })).toBe('abc');
    });

    it('does not let the cut make a reserved name', () => {
      expect(sanitizeFileName('CONTRACT', { maxBytes: 3, fallback: 'f' })).toBe('_CO');
      expect(sanitizeFileName('CONSOLE.js', { maxBytes: 6, fallback: 'f' })).toBe('_CO.js');
    });

    it('keeps the prefix of a reserved name through the cut', () => {
      expect(sanitizeFileName('con.js', { maxBytes: 6, fallback: 'f' })).toBe('_co.js');
      expect(sanitizeFileName('con.txt', { maxBytes: 7, fallback: 'f' })).toBe('_con.tx');
    });

    it('never exceeds maxBytes', () => {
      for (const maxBytes of [1, 2, 3, 5, 8, 16, 100, 255, 1_024]) {
        for (const name of [
          'x'.repeat(2_000),
          `${'é'.repeat(900)}.pdf`,
          '👨‍👩‍👧'.repeat(100),
          'con.txt',
        ]) {
          const result = sanitizeFileName(name, { maxBytes, fallback: 'f' });
          expect(bytes(result)).toBeLessThanOrEqual(maxBytes);
          expect(result).not.toBe('');
        }
      }
    });
  });

  describe('options', () => {
    it('uses the given fallback', () => {
      expect(sanitizeFileName('..', { fallback: 'upload.bin' })).toBe('upload.bin');
    });

    it('falls back when a cut leaves nothing', () => {
      expect(sanitizeFileName('é', { maxBytes: 1, fallback: 'f' })).toBe('f');
    });

    it.each<[string, unknown]>([
      ['-0', -0],
      ['0', 0],
      ['a negative number', -1],
      ['a fraction', 1.5],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['more than 1024', 1_025],
      ['a numeric string', '255'],
      ['null', null],
      ['an array', []],
    ])('refuses maxBytes %s', (_name, maxBytes) => {
      expect(() => sanitizeFileName('a.txt', { maxBytes: maxBytes as number })).toThrow(/maxBytes/);
    });

    it.each<[string, unknown]>([
      ['an empty string', ''],
      ['a path', 'dir/file'],
      ['a dot file', '.file'],
      ['a reserved name', 'CON'],
      ['a control character', 'a\u0000'],
      ['null', null],
      ['a number', 42],
    ])('refuses a fallback that is %s', (_name, fallback) => {
      expect(() => sanitizeFileName('a.txt', { fallback: fallback as string })).toThrow(
        /fallback must be/,
      );
    });

    it('refuses a fallback longer than maxBytes', () => {
      expect(() => sanitizeFileName('a.txt', { maxBytes: 3 })).toThrow(/at most 3 bytes/);
    });

    it.each([null, 'x', 42])('refuses options that are %p', (options) => {
      expect(() => sanitizeFileName('a.txt', options as unknown as object)).toThrow(TypeError);
    });
  });

  it('is idempotent', () => {
    for (const name of [
      '../a/b.txt',
      ' .con.txt',
      'x\u202e.exe',
      `${'é'.repeat(300)}.txt`,
      'a:b',
    ]) {
      const once = sanitizeFileName(name);
      expect(sanitizeFileName(once)).toBe(once);
    }
  });

  it('always returns NFC', () => {
    for (const name of ['e\u0301', 'A\u030a.txt', '\u1100\u1161.txt']) {
      const result = sanitizeFileName(name);
      expect(result).toBe(result.normalize('NFC'));
    }
  });
});

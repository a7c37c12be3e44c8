/**
 * `Content-Disposition: attachment` for any file name (RFC 6266): a header value must be ASCII,
 * so a name like `прошивка-1.2.tar.gz` goes in `filename*=UTF-8''…` (RFC 8187 percent-encoding)
 * with an ASCII `filename="…"` fallback for old clients. A plain ASCII name stays a plain
 * `filename="…"`. Quotes, backslashes and control characters never reach the header.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = asciiFallback(filename);
  if (fallback === filename) return `attachment; filename="${filename}"`;
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}

/** Printable ASCII only: accents dropped (é → e), anything else (Cyrillic, quotes, controls) → `_`. */
function asciiFallback(filename: string): string {
  const stripped = filename.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const ascii = stripped.replace(/[^\x20-\x7e]|["\\%]/g, '_').replace(/_{2,}/g, '_');
  return ascii.trim() === '' || ascii === '_' ? 'download' : ascii;
}

/** RFC 8187 value-chars: attr-char stays, every other byte of the UTF-8 encoding becomes %XX. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

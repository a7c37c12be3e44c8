import { validationError } from './errors.js';

/**
 * Opaque paging cursors: the key of the last row a page showed, tagged with the list it belongs
 * to. Pages are keyset reads (rows after that key), so a cursor stays valid and a page never
 * repeats or skips a row while new rows are added at the head.
 */
export function encodeCursor(list: string, key: string | number): string {
  return Buffer.from(JSON.stringify([list, key]), 'utf8').toString('base64url');
}

export function decodeCursor(list: string, cursor: string, kind: 'number' | 'string'): string | number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== list || typeof parsed[1] !== kind || (kind === 'number' && !Number.isSafeInteger(parsed[1]))) {
    throw validationError('Invalid cursor', { field: 'cursor', reason: 'not a cursor this list gave out' });
  }
  return parsed[1] as string | number;
}

/**
 * The text of NUT's network protocol (upsd, TCP 3493), without the socket: how a line splits
 * into words, how an argument is quoted, and what `ups.status` flags mean. Kept apart from the
 * client so both the client and the fake upsd used in tests speak exactly the same dialect.
 *
 * Lines end in "\n"; words are separated by spaces; a word containing spaces is in double
 * quotes, inside which `\"` and `\\` escape (docs: "Network protocol information", developer guide).
 */

/** Splits one protocol line into words, honouring quotes and escapes; null if a quote is left open. */
export function splitNutLine(line: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i++;
      continue;
    }
    if (line[i] === '"') {
      let word = '';
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i]!;
        if (c === '\\' && i + 1 < line.length) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        word += c;
        i++;
      }
      if (!closed) return null;
      words.push(word);
      continue;
    }
    let word = '';
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') word += line[i++];
    words.push(word);
  }
  return words;
}

/** One argument as upsd expects it: quoted (with escapes) when it holds anything but plain characters. */
export function quoteNutWord(word: string): string {
  if (/[\r\n]/.test(word)) throw new Error('a NUT argument cannot contain a line break');
  return /^[A-Za-z0-9_.:@/+-]+$/.test(word) ? word : `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `VAR <ups> <name> "<value>"` → the parts, or null for any other line. */
export function parseVarLine(line: string): { ups: string; name: string; value: string } | null {
  const words = splitNutLine(line);
  if (!words || words.length !== 4 || words[0] !== 'VAR') return null;
  return { ups: words[1]!, name: words[2]!, value: words[3]! };
}

/** `ERR <CODE> [extra]` → the code, or null. */
export function parseErrLine(line: string): string | null {
  const match = /^ERR ([A-Z0-9-]+)/.exec(line);
  return match ? match[1]! : null;
}

/** What the flags of `ups.status` say (e.g. "OL CHRG", "OB DISCHRG LB", "FSD OB LB"). */
export interface UpsStatusFlags {
  online: boolean;
  onBattery: boolean;
  lowBattery: boolean;
  /** Forced shutdown: the primary upsmon (or the UPS) says every client must shut down now. */
  fsd: boolean;
  charging: boolean;
}

export function parseUpsStatus(status: string): UpsStatusFlags {
  const flags = new Set(status.trim().split(/\s+/));
  return {
    online: flags.has('OL'),
    onBattery: flags.has('OB'),
    lowBattery: flags.has('LB'),
    fsd: flags.has('FSD'),
    charging: flags.has('CHRG'),
  };
}

/** A number from a NUT variable ("87", "87.5"); null when absent or not a number. */
export function nutNumber(value: string | undefined | null): number | null {
  if (value === undefined || value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

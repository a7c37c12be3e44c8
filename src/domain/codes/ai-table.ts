/**
 * The GS1 Application Identifiers this system reads. Data, not code: adding an AI is one row.
 * Variable-length elements end at a GS or the end of data. Of the fixed-length ones only those
 * GS1 lists as "predefined length" (prefixes 00–04, 11–20, 31–36, 41) may be followed directly by
 * the next AI; any other element (8005 included, though its length is fixed) needs a GS unless it
 * is the last one.
 */
export type AiCharset = 'numeric' | 'cset82';

export interface AiDefinition {
  /** The AI as printed; an 'n' is the decimal-point digit of a measure AI (310n = net kg, n decimals). */
  readonly id: string;
  /** Names the element in reasons shown to operators ("Invalid character in serial"). */
  readonly title: string;
  readonly charset: AiCharset;
  readonly variable: boolean;
  /** Exact length for a predefined-length AI, the maximum for a variable-length one. */
  readonly length: number;
  /** In GS1's predefined-length table: no GS needed after it. */
  readonly predefined?: boolean;
  readonly checkDigit?: boolean;
  /** YYMMDD, where GS1 allows DD = 00 ("end of month"). */
  readonly date?: boolean;
}

export const AI_TABLE: readonly AiDefinition[] = [
  { id: '00', title: 'SSCC', charset: 'numeric', variable: false, length: 18, predefined: true, checkDigit: true },
  { id: '01', title: 'GTIN', charset: 'numeric', variable: false, length: 14, predefined: true, checkDigit: true },
  // 02 and 37 sit on pallet labels next to the SSCC (content GTIN and unit count).
  { id: '02', title: 'GTIN of contained items', charset: 'numeric', variable: false, length: 14, predefined: true, checkDigit: true },
  { id: '10', title: 'batch', charset: 'cset82', variable: true, length: 20 },
  { id: '11', title: 'production date', charset: 'numeric', variable: false, length: 6, predefined: true, date: true },
  { id: '15', title: 'best before date', charset: 'numeric', variable: false, length: 6, predefined: true, date: true },
  { id: '17', title: 'expiry date', charset: 'numeric', variable: false, length: 6, predefined: true, date: true },
  { id: '21', title: 'serial', charset: 'cset82', variable: true, length: 20 },
  { id: '37', title: 'count', charset: 'numeric', variable: true, length: 8 },
  { id: '310n', title: 'net weight', charset: 'numeric', variable: false, length: 6, predefined: true },
  { id: '8005', title: 'price', charset: 'numeric', variable: false, length: 6 },
  { id: '90', title: 'mutually agreed data', charset: 'cset82', variable: true, length: 30 },
  // 91–93 carry the Chestny ZNAK verification key / code and the short crypto tail.
  { id: '91', title: 'verification key', charset: 'cset82', variable: true, length: 90 },
  { id: '92', title: 'verification code', charset: 'cset82', variable: true, length: 90 },
  { id: '93', title: 'crypto tail', charset: 'cset82', variable: true, length: 90 },
  { id: '94', title: 'company internal data', charset: 'cset82', variable: true, length: 90 },
  { id: '95', title: 'company internal data', charset: 'cset82', variable: true, length: 90 },
  { id: '96', title: 'company internal data', charset: 'cset82', variable: true, length: 90 },
  { id: '97', title: 'company internal data', charset: 'cset82', variable: true, length: 90 },
  { id: '98', title: 'company internal data', charset: 'cset82', variable: true, length: 90 },
  { id: '99', title: 'company internal data', charset: 'cset82', variable: true, length: 90 },
];

/** GS1 defines the decimal-point digit of 310n as 0–5. */
const WILDCARD_DIGITS = '012345';

// A digit trie: the scan path identifies an AI without slicing the string or hashing.
interface TrieNode {
  def?: AiDefinition;
  next?: (TrieNode | undefined)[];
}
const ROOT: TrieNode = {};
const BY_ID = new Map<string, AiDefinition>();

function insert(node: TrieNode, def: AiDefinition, i: number): void {
  if (i === def.id.length) {
    node.def = def;
    return;
  }
  const ch = def.id[i]!;
  const digits = ch === 'n' ? WILDCARD_DIGITS : ch;
  node.next ??= new Array<TrieNode | undefined>(10);
  for (const d of digits) {
    const k = d.charCodeAt(0) - 48;
    insert((node.next[k] ??= {}), def, i + 1);
  }
}
for (const def of AI_TABLE) {
  insert(ROOT, def, 0);
  BY_ID.set(def.id, def);
}

/** The AI starting at s[pos], or null when the digits there name no AI in the table. */
export function matchAi(s: string, pos: number): AiDefinition | null {
  let node: TrieNode | undefined = ROOT;
  for (let i = 0; i < 4; i++) {
    const d = s.charCodeAt(pos + i) - 48;
    if (!(d >= 0 && d <= 9)) return null; // also catches NaN past the end
    node = node.next?.[d];
    if (node === undefined) return null;
    if (node.def !== undefined) return node.def;
  }
  return null;
}

/** Looks up by table id ('21', '310n'); a concrete measure AI ('3103') resolves to its family. */
export function aiDefinition(id: string): AiDefinition | undefined {
  const direct = BY_ID.get(id);
  if (direct !== undefined) return direct;
  const def = matchAi(id, 0);
  return def !== null && def.id.length === id.length ? def : undefined;
}

/** Whether a concrete AI ('3103') is an instance of a table id ('310n'). */
export function aiMatchesId(ai: string, id: string): boolean {
  if (ai.length !== id.length) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 110 /* n */) continue;
    if (c !== ai.charCodeAt(i)) return false;
  }
  return true;
}

import fc from 'fast-check';

/**
 * An independent generator of Chestny ZNAK marking codes, written from the published layouts
 * (shared/REFERENCE.md, GS1 General Specifications) and NOT from src/domain/codes: it shares no
 * table, check-digit routine or generator with the code under test, so a mistake has to be made
 * twice, the same way, to go unnoticed.
 *
 * Each arbitrary yields the scanner text (GS bytes, in a random valid element order, optionally
 * with a symbology identifier, a GS substitute or a line end around it), the canonical element
 * string, and the fields a parser must find.
 */

const GS = String.fromCharCode(0x1d);

/** GS1 CSET 82 (GS1 General Specifications, figure 7.11-1), spelled out here on purpose. */
export const CSET82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;

/** GS1 mod-10: weights 3,1,3,… from the right of the body. */
export function gs1CheckDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return String((10 - (sum % 10)) % 10);
}

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
// A value that holds a printable GS stand-in would be rewritten by any scanner normaliser.
const cset82 = (n: number) => fc.string({ unit: fc.constantFrom(...CSET82), minLength: n, maxLength: n }).filter((s) => !/<GS>|<FNC1>/.test(s));
export const gtin14 = digits(13).map((body) => body + gs1CheckDigit(body));

/** One element as printed: its AI, its value, and whether GS1 lets the next AI follow without a GS. */
interface Element {
  ai: string;
  value: string;
  /** Predefined length (AIs 01 and 31nn here): no GS needed after it. */
  predefined: boolean;
}

export type ProductGroup = 'milk' | 'water' | 'beer' | 'tobacco_block' | 'pharma' | 'shoes' | 'light_industry' | 'tobacco_pack';

export interface GeneratedCode {
  group: ProductGroup;
  /** What a scanner sends. */
  scanned: string;
  /** The element string with GS bytes, as the parser must normalise it. */
  canonical: string;
  gtin: string;
  serial: string;
  /** Every AI with its value; empty for a code without AIs. */
  ais: Record<string, string>;
  /** The elements in printed order (GS1 groups only), for mutations. */
  elements: Element[];
}

/** The layouts of today, per product group: serial length and the elements after it. */
const LAYOUTS: Record<Exclude<ProductGroup, 'tobacco_pack'>, { serial: number; tail: Array<{ ai: string; length: number; charset: 'digits' | 'cset82' }> }> = {
  milk: { serial: 6, tail: [{ ai: '93', length: 4, charset: 'cset82' }] },
  water: { serial: 13, tail: [{ ai: '93', length: 4, charset: 'cset82' }] },
  beer: { serial: 7, tail: [{ ai: '93', length: 4, charset: 'cset82' }] },
  tobacco_block: {
    serial: 7,
    tail: [
      { ai: '8005', length: 6, charset: 'digits' },
      { ai: '93', length: 4, charset: 'cset82' },
    ],
  },
  pharma: {
    serial: 13,
    tail: [
      { ai: '91', length: 4, charset: 'cset82' },
      { ai: '92', length: 44, charset: 'cset82' },
    ],
  },
  shoes: {
    serial: 13,
    tail: [
      { ai: '91', length: 4, charset: 'cset82' },
      { ai: '92', length: 44, charset: 'cset82' },
    ],
  },
  light_industry: {
    serial: 13,
    tail: [
      { ai: '91', length: 4, charset: 'cset82' },
      { ai: '92', length: 44, charset: 'cset82' },
    ],
  },
};

/** Joins elements: a GS after every element that is not predefined-length, except the last. */
export function join(elements: Element[]): string {
  return elements.map((e, i) => e.ai + e.value + (!e.predefined && i < elements.length - 1 ? GS : '')).join('');
}

/**
 * How scanners dress the element string: identifier in front, a GS stand-in, a line end. Only
 * `]d2` (GS1 DataMatrix) or no identifier at all is a marking code; `]C1` (GS1-128) is refused.
 */
const dress = fc.record({
  identifier: fc.constantFrom('', '', ']d2'),
  substitute: fc.constantFrom(GS, GS, '<GS>', '{GS}', '\\x1d'),
  end: fc.constantFrom('', '', '\r\n', '\r', '\n'),
});

function gs1Group(group: Exclude<ProductGroup, 'tobacco_pack'>): fc.Arbitrary<GeneratedCode> {
  const layout = LAYOUTS[group];
  // Milk may carry its net weight (310n, n = decimals 0–5), 6 digits.
  const weight = group === 'milk' ? fc.option(fc.tuple(fc.integer({ min: 0, max: 5 }), digits(6)), { nil: null }) : fc.constant(null);
  return fc
    .record({
      gtin: gtin14,
      serial: cset82(layout.serial),
      tail: fc.tuple(...layout.tail.map((t) => (t.charset === 'digits' ? digits(t.length) : cset82(t.length)))),
      weight,
      order: fc.nat(),
      dress,
    })
    .map(({ gtin, serial, tail, weight: w, order, dress: d }) => {
      const printed: Element[] = [
        { ai: '01', value: gtin, predefined: true },
        { ai: '21', value: serial, predefined: false },
        ...layout.tail.map((t, i) => ({ ai: t.ai, value: tail[i]!, predefined: false })),
        ...(w ? [{ ai: `310${w[0]}`, value: w[1], predefined: true }] : []),
      ];
      // GS1 lets elements come in any order: rotate by a random amount (01 first half the time).
      const k = order % 2 === 0 ? 0 : order % printed.length;
      const elements = [...printed.slice(k), ...printed.slice(0, k)];
      const canonical = join(elements);
      const scanned = d.identifier + canonical.split(GS).join(d.substitute) + d.end;
      return { group, scanned, canonical, gtin, serial, ais: Object.fromEntries(elements.map((e) => [e.ai, e.value])), elements };
    });
}

/** Tobacco packs: no AIs, no separators: GTIN 14 + serial 7 + price 4 + check code 4. */
const tobaccoPack: fc.Arbitrary<GeneratedCode> = fc
  .record({ gtin: gtin14, serial: cset82(7), price: cset82(4), check: cset82(4), identifier: fc.constantFrom('', ']d1'), end: fc.constantFrom('', '\r\n') })
  .map(({ gtin, serial, price, check, identifier, end }) => {
    const canonical = gtin + serial + price + check;
    return { group: 'tobacco_pack' as const, scanned: identifier + canonical + end, canonical, gtin, serial, ais: {}, elements: [] };
  });

export const GROUPS: ProductGroup[] = ['milk', 'water', 'beer', 'tobacco_block', 'pharma', 'shoes', 'light_industry', 'tobacco_pack'];

export function codeOf(group: ProductGroup): fc.Arbitrary<GeneratedCode> {
  return group === 'tobacco_pack' ? tobaccoPack : gs1Group(group);
}

export const anyCode: fc.Arbitrary<GeneratedCode> = fc.constantFrom(...GROUPS).chain(codeOf);

/**
 * Ways to break a valid code that every reader of these layouts must refuse, as (name, canonical
 * element string) pairs. Each is applied to the canonical form (no dressing).
 */
export function mutations(code: GeneratedCode, pick: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const otherDigit = (d: string) => String((Number(d) + 1 + (pick % 9)) % 10);
  if (code.group === 'tobacco_pack') {
    const c = code.canonical;
    out.push(['one character short', c.slice(0, -1)]);
    out.push(['one character too many', c + 'A']);
    out.push(['wrong GTIN check digit', c.slice(0, 13) + otherDigit(c[13]!) + c.slice(14)]);
    out.push(['a letter in the GTIN', c.slice(0, pick % 13) + 'A' + c.slice((pick % 13) + 1)]);
    out.push(['a character outside CSET 82 in the serial', c.slice(0, 14) + '~' + c.slice(15)]);
    return out;
  }
  const els = code.elements;
  const replace = (ai: string, value: string) => join(els.map((e) => (e.ai === ai ? { ...e, value } : e)));
  out.push(['wrong GTIN check digit', replace('01', code.gtin.slice(0, 13) + otherDigit(code.gtin[13]!))]);
  out.push(['a letter in the GTIN', replace('01', code.gtin.slice(0, pick % 13) + 'X' + code.gtin.slice((pick % 13) + 1))]);
  out.push(['serial one character short', replace('21', code.serial.slice(0, -1))]);
  out.push(['serial one character too long', replace('21', code.serial + 'Q')]);
  out.push(['a character outside CSET 82 in the serial', replace('21', '~' + code.serial.slice(1))]);
  // Every mandatory element of the layout, dropped in turn (picked by `pick`).
  const mandatory = els.filter((e) => !e.ai.startsWith('310'));
  const dropped = mandatory[pick % mandatory.length]!;
  out.push([`AI ${dropped.ai} missing`, join(els.filter((e) => e !== dropped))]);
  // An AI this product group does not carry.
  out.push(['an unexpected AI (10, batch)', join([...els.filter((e) => !e.ai.startsWith('310')), { ai: '10', value: 'LOT1', predefined: false }])]);
  // A separator lost after a variable-length element glues the next element onto it.
  const variableNotLast = els.findIndex((e, i) => !e.predefined && i < els.length - 1);
  if (variableNotLast >= 0) {
    const glued = els.map((e, i) => e.ai + e.value + (!e.predefined && i < els.length - 1 && i !== variableNotLast ? GS : '')).join('');
    out.push([`GS after AI ${els[variableNotLast]!.ai} lost`, glued]);
  }
  return out;
}

import type { PrinterModel } from '../../src/edge/hardware/printers-config.js';

/**
 * Label templates: text with {{code}} and {{param}} placeholders. Rendering is per model because
 * each protocol escapes differently (ZPL field data goes through ^FH hex escapes; a Videojet job
 * takes the values as fields, not a template; a generic printer gets the text as is).
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Built-in templates, used when a print names none and the printer configures no default.
 *
 * ZEBRA_ZPL is a GS1 DataMatrix, not a plain one: `^BXN,8,200,,,,_` (ECC 200, escape character
 * `_`) and field data `_1` + the code, so the symbol starts with FNC1 and a scanner reports `]d2`.
 * Placeholders named `gs1_…` are escaped for that field (src: escapeGs1DataMatrixField: GS → `_1`,
 * FNC1 as separator); its hex escapes use `\` (`^FH\`), since `_` is ^BX's own escape there.
 * The human-readable line below keeps `^FH_`. A tobacco pack code (no AIs) must not start with
 * FNC1: a tobacco pack line configures a template without `_1`.
 */
export const DEFAULT_TEMPLATES: Record<PrinterModel, string> = {
  ZEBRA_ZPL: '^XA^FO40,40^BXN,8,200,,,,_^FH\\^FD_1{{gs1_code}}^FS^FO40,280^A0N,24,24^FH_^FD{{code}}^FS^XZ',
  VIDEOJET: '{{code}}',
  GENERIC_TCP: '{{code}}',
};

/**
 * Box and pallet labels (issue 14), printed when a box or pallet is closed: the SSCC as GS1-128
 * with FNC1 first (`>;` start in Code C, `>8` FNC1, then `00` + 18 digits) and as text "(00) …",
 * with the box's or pallet's B-…/P-… identifier. Values: sscc, sscc_text, gs1_sscc (00 + SSCC), identifier.
 */
export const SSCC_LABEL_TEMPLATES: Record<PrinterModel, string> = {
  ZEBRA_ZPL: '^XA^FO40,40^BY3^BCN,160,N,N,N,N^FH\\^FD>;>8{{gs1_sscc}}^FS^FO40,220^A0N,36,36^FH_^FD{{sscc_text}}^FS^FO40,270^A0N,28,28^FH_^FD{{identifier}}^FS^XZ',
  VIDEOJET: '{{gs1_sscc}}',
  GENERIC_TCP: '{{sscc_text}} {{identifier}}',
};

export const TEST_LABEL_CODE = 'OKTO TEST LABEL';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Why a template cannot be stored for a model, or null. */
export function templateProblem(model: PrinterModel, template: string): string | null {
  if (model !== 'ZEBRA_ZPL') return null;
  const body = template.trim();
  if (!body.startsWith('^XA') || !body.endsWith('^XZ')) return 'a ZPL template starts with ^XA and ends with ^XZ';
  // Values are hex-escaped (_XX), which the printer decodes only in a field announced by ^FH.
  for (const field of body.matchAll(/(\^FH[^\^]?)?\^FD([^\^]*)/g)) {
    if (!field[1] && PLACEHOLDER.test(field[2]!)) {
      PLACEHOLDER.lastIndex = 0;
      return 'a ^FD field with a placeholder needs ^FH before it (values are sent hex-escaped)';
    }
    PLACEHOLDER.lastIndex = 0;
  }
  return null;
}

/**
 * ZPL field data: ^ and ~ start commands, _ is ^FH's escape, control characters (a GS1 code's GS)
 * cannot be sent raw; all of these and any non-ASCII byte go as _XX.
 */
export function escapeZplField(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x20 || byte >= 0x7f || c === '^' || c === '~' || c === '_' || c === '\\' ? `_${byte.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }
  return out;
}

/**
 * Field data for a GS1 DataMatrix whose ^BX escape character is `_` and whose ^FH indicator is
 * `\`: a GS separator becomes FNC1 (`_1`); a literal `_` is `_d095` (ASCII by decimal value, as
 * the ZPL manual's ^BX escape sequences allow); ^ ~ \, control and non-ASCII bytes go as `\XX`.
 */
export function escapeGs1DataMatrixField(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (byte === 0x1d) out += '_1';
    else if (c === '_') out += '_d095';
    else if (byte < 0x20 || byte >= 0x7f || c === '^' || c === '~' || c === '\\') out += `\\${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/** The escape for a placeholder in a ZPL template: `gs1_…` for GS1 bar code fields, ^FH_ text otherwise. */
export function escapeZplPlaceholder(value: string, name: string): string {
  return name.startsWith('gs1_') ? escapeGs1DataMatrixField(value) : escapeZplField(value);
}

/**
 * What a ZPL format's fields carry, as a scanner would read them back (the simulator's side):
 * ^FH hex escapes with the announced indicator, ^BX escapes (`_1` FNC1, `_dNNN`) and ^BC
 * invocation codes (`>;` `>8` …). A leading FNC1 only marks the symbol as GS1 and is dropped; an
 * inner one reads as GS, as on a scanner.
 */
export function zplFields(format: string): string[] {
  const fields: string[] = [];
  let hexIndicator: string | null = null;
  let barcode: { kind: 'BX'; escape: string } | { kind: 'BC' } | null = null;
  for (const command of format.split('^').slice(1)) {
    const name = command.slice(0, 2);
    if (name === 'FH') hexIndicator = command.length > 2 ? command[2]! : '_';
    else if (name === 'BX') {
      const params = command.slice(2).split(',');
      barcode = params[2] === '200' ? { kind: 'BX', escape: params[6] || '~' } : null;
    } else if (name === 'BC') barcode = { kind: 'BC' };
    else if (name === 'FS') {
      hexIndicator = null;
      barcode = null;
    } else if (name === 'FD') {
      let data = command.slice(2);
      if (hexIndicator !== null) data = unescapeHex(data, hexIndicator);
      if (barcode?.kind === 'BX') data = decodeBxEscapes(data, barcode.escape);
      else if (barcode?.kind === 'BC') data = decodeBcInvocations(data);
      fields.push(data);
    }
  }
  return fields;
}

function unescapeHex(value: string, indicator: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === indicator && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(value[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBxEscapes(value: string, escape: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== escape) {
      out += value[i];
      continue;
    }
    const next = value[i + 1];
    if (next === '1') {
      if (out.length > 0) out += '\u001d';
      i += 1;
    } else if (next === 'd' && /^\d{3}$/.test(value.slice(i + 2, i + 5))) {
      out += String.fromCharCode(Number(value.slice(i + 2, i + 5)));
      i += 4;
    } else out += value[i];
  }
  return out;
}

function decodeBcInvocations(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '>' && i + 1 < value.length) {
      if (value[i + 1] === '8' && out.length > 0) out += '\u001d';
      i += 1;
    } else out += value[i];
  }
  return out;
}

/** Decodes _XX escapes (the simulator's side of ^FH). */
export function unescapeZplField(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '_' && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(value[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Substitutes every placeholder; a placeholder with no value is an error (a label with a hole must not print). */
export function renderTemplate(template: string, values: Record<string, string>, escape: (value: string, name: string) => string = (v) => v): string {
  const missing = placeholders(template).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new TemplateError(`no value for ${missing.map((m) => `{{${m}}}`).join(', ')}`);
  return template.replace(PLACEHOLDER, (_, name: string) => escape(values[name]!, name));
}

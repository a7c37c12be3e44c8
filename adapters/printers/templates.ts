import type { PrinterModel } from './printers-config.js';

/**
 * Label templates: text with {{code}} and {{param}} placeholders. Rendering is per model because
 * each protocol escapes differently (ZPL field data goes through ^FH hex escapes; a Videojet job
 * takes the values as fields, not a template; a generic printer gets the text as is).
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Built-in templates, used when a print names none and the printer configures no default. */
export const DEFAULT_TEMPLATES: Record<PrinterModel, string> = {
  // A GS1 DataMatrix (^BX quality 200) with the code in human-readable text below it.
  ZEBRA_ZPL: '^XA^FO40,40^BXN,8,200^FH_^FD{{code}}^FS^FO40,280^A0N,24,24^FH_^FD{{code}}^FS^XZ',
  VIDEOJET: '{{code}}',
  GENERIC_TCP: '{{code}}',
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
export function renderTemplate(template: string, values: Record<string, string>, escape: (value: string) => string = (v) => v): string {
  const missing = placeholders(template).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new TemplateError(`no value for ${missing.map((m) => `{{${m}}}`).join(', ')}`);
  return template.replace(PLACEHOLDER, (_, name: string) => escape(values[name]!));
}

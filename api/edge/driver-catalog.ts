import { z } from 'zod';
import { SCANNER_MODEL_PROFILES, SCANNER_MODELS } from '../../adapters/scanners/scanner-models.js';
import { framingSchema } from '../../adapters/scanners/framing.js';
import { PLC_DRIVERS } from '../../adapters/plcs/plc-driver-factory.js';
import { LINE_SIGNALS } from '../../adapters/plcs/plc-driver.js';
import { formatMessage, type Locale, MESSAGES } from '../../src/domain/i18n/messages.js';
import { SCANNER_ROLES } from '../../src/domain/scanner-role.js';
import { BINDING_KINDS, DEFAULT_PORTS, PLC_PROTOCOLS, plcBindingSchema, plcSchema } from '../../adapters/plcs/plcs-config.js';
import { MAX_PRINTERS, PRINTER_MODELS, PRINTER_PARAMS_SCHEMAS, printerConfigSchema, ZEBRA_DEFAULT_PORT } from '../../adapters/printers/printers-config.js';
import { MAX_SCANNERS, SCANNER_TRANSPORTS, scannersListSchema } from '../../adapters/scanners/scanners-config.js';

/**
 * Driver metadata for GET /api/v1/catalog/scanners|printers|plc-protocols: what a UI needs to
 * build its forms. The JSON Schemas are generated from the zod schemas that validate
 * edge-service.yaml and PUT /api/v1/scanners|printers|plcs (input side: defaults shown, optional
 * fields not required), so the form and the validation cannot disagree. Field descriptions come
 * from the message catalogue (`catalog.<kind>.<field>`, else `catalog.field.<field>`) in the
 * asked locale.
 */

type JsonSchema = Record<string, unknown>;
export type CatalogKind = 'scanner' | 'printer' | 'plc' | 'binding';

const toJsonSchema = (schema: z.ZodType): JsonSchema => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** The catalogue key describing `field` of a `kind`, if there is one. */
export function descriptionKey(kind: CatalogKind, field: string): string | undefined {
  return [`catalog.${kind}.${field}`, `catalog.field.${field}`].find((key) => key in MESSAGES);
}

/** Adds `description` to every property of every object in the schema (recursively). */
export function describeProperties(schema: JsonSchema, kind: CatalogKind, locale: Locale): JsonSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') {
        out.properties = Object.fromEntries(
          Object.entries(value).map(([field, property]) => {
            const described = walk(property) as JsonSchema;
            const message = descriptionKey(kind, field);
            return [field, message ? { ...described, description: formatMessage(message, {}, locale) } : described];
          }),
        );
      } else out[key] = walk(value);
    }
    return out;
  };
  return walk(schema) as JsonSchema;
}

const itemSchema = (list: JsonSchema) => list.items as JsonSchema;
const text = (key: string, locale: Locale) => formatMessage(key, {}, locale);

export function scannerCatalog(locale: Locale) {
  return {
    kind: 'scanners',
    locale,
    maxItems: MAX_SCANNERS,
    overrideKey: 'l2.override.scanners',
    transports: SCANNER_TRANSPORTS.map((id) => ({ id, description: text(`catalog.scanner.transport.${id}`, locale) })),
    models: SCANNER_MODELS.map((id) => {
      const profile = SCANNER_MODEL_PROFILES[id];
      return { id, label: profile.label, defaultPort: profile.defaultPort ?? null, trigger: profile.trigger ?? null, healthCheck: profile.healthCheck ?? null, framing: profile.framing, notes: profile.notes };
    }),
    roles: SCANNER_ROLES.map((id) => ({ id, description: text(`catalog.scanner.role.${id}`, locale) })),
    /** One item of PUT /api/v1/scanners (the body is an array of these, or `{ scanners: [...] }`). */
    schema: describeProperties(itemSchema(toJsonSchema(scannersListSchema)), 'scanner', locale),
    /** The `framing` object, merged over the model's defaults. */
    framingSchema: describeProperties(toJsonSchema(framingSchema), 'scanner', locale),
  };
}

export function printerCatalog(locale: Locale) {
  return {
    kind: 'printers',
    locale,
    maxItems: MAX_PRINTERS,
    overrideKey: 'l2.override.printers',
    models: PRINTER_MODELS.map((id) => ({
      id,
      description: text(`catalog.printer.model.${id}`, locale),
      defaultPort: id === 'ZEBRA_ZPL' ? ZEBRA_DEFAULT_PORT : null,
      /** The model's `params`. */
      params: describeProperties(toJsonSchema(PRINTER_PARAMS_SCHEMAS[id]), 'printer', locale),
    })),
    /** One item of PUT /api/v1/printers (one branch per model, chosen by `model`). */
    schema: describeProperties(toJsonSchema(printerConfigSchema), 'printer', locale),
  };
}

export function plcCatalog(locale: Locale) {
  return {
    kind: 'plc-protocols',
    locale,
    overrideKey: 'l2.override.plcs',
    protocols: PLC_PROTOCOLS.map((id) => ({
      id,
      description: text(`catalog.plc.protocol.${id}`, locale),
      /** A driver for it is in this build (else such a PLC shows the reason in its health and never connects). */
      driver: PLC_DRIVERS[id] !== undefined,
      /** GET /plcs/{id}/tags browses the PLC itself (else it lists the configured bindings). */
      browses: PLC_DRIVERS[id]?.browses === true,
      defaultPort: DEFAULT_PORTS[id] ?? null,
    })),
    /** One item of PUT /api/v1/plcs. */
    schema: describeProperties(toJsonSchema(plcSchema), 'plc', locale),
    bindings: {
      overrideKey: 'l2.override.plcBindings',
      signals: [...LINE_SIGNALS],
      kinds: [...BINDING_KINDS],
      /** One value of PUT /api/v1/plc/bindings (an object keyed by signal). */
      schema: describeProperties(toJsonSchema(plcBindingSchema), 'binding', locale),
    },
  };
}

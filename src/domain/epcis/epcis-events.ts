import { type CompanyPrefixRule, sgtinUri, ssccUri } from './epc-uri.js';
import type { EpcisConfig } from './epcis-config.js';

/**
 * EPCIS 2.0 events (JSON-LD, the standard context) for what a line produces: an ObjectEvent
 * (ADD, commissioning, active) per unit, an AggregationEvent (ADD, packing) per box and pallet.
 * Pure: the store reads give plain records, these give the JSON objects.
 */
export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
/** Prefix of the one term outside the CBV: the production date (see unitIlmd). */
export const OKTO_PREFIX = 'okto';

/** A commissioned unit. Dates are YYYY-MM-DD; lot and dates come from the production order when there is one. */
export interface EpcisUnit {
  gtin: string;
  serial: string;
  /** ISO instant the line accepted the code. */
  at: string;
  lineId?: string | null;
  lot?: string | null;
  productionDate?: string | null;
  expiryDate?: string | null;
}

/** A child of a box or pallet: a unit by GTIN + serial, or a box by its SSCC or, lacking one, its own identifier. */
export type EpcisChild = { gtin: string; serial: string } | { sscc: string } | { level: 'box'; identifier: string };

/** A box (batch) or pallet and what it holds. */
export interface EpcisPack {
  level: 'box' | 'pallet';
  /** The B-… / P-… identifier (the parent when there is no SSCC). */
  identifier: string;
  sscc?: string | null;
  /** ISO instant it was closed, or created when still open. */
  at: string;
  lineId?: string | null;
  children: EpcisChild[];
}

export interface EpcisBuildOptions {
  config: EpcisConfig;
  /** IANA zone the events' local offset is taken in (eventTimeZoneOffset). */
  timeZone: string;
}

type Json = Record<string, unknown>;

/** The context: GS1's, plus the `okto` prefix for the terms that are not in the CBV. */
export const epcisContext = (config: EpcisConfig): unknown[] => [EPCIS_CONTEXT, { [OKTO_PREFIX]: `${baseOf(config)}voc/` }];

const baseOf = (config: EpcisConfig) => (config.privateBaseUri.endsWith('/') ? config.privateBaseUri : `${config.privateBaseUri}/`);
const ruleOf = (config: EpcisConfig): CompanyPrefixRule => ({ defaultLength: config.companyPrefixLength, knownPrefixes: config.companyPrefixes });

/** `+03:00`: the zone's UTC offset at an instant (what EPCIS calls eventTimeZoneOffset). */
export function createZoneOffsetOf(timeZone: string): (ms: number) => string {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  const cache = new Map<number, string>();
  return (ms) => {
    // Offsets change on quarter hours at the finest: one Intl call per 15-minute slot.
    const slot = Math.floor(ms / 900_000);
    let offset = cache.get(slot);
    if (offset === undefined) {
      const name = format.formatToParts(new Date(slot * 900_000)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
      const match = /GMT([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
      offset = match ? `${match[1]}${match[2]!.padStart(2, '0')}:${match[3] ?? '00'}` : '+00:00';
      if (cache.size > 5_000) cache.clear();
      cache.set(slot, offset);
    }
    return offset;
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** YYMMDD (a GS1 date AI) or YYYY-MM-DD → YYYY-MM-DD (xsd:date); anything else → null. GS1's day 00 means the month's last day. */
export function isoDateOf(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (DATE.test(value)) return value;
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return null;
  // GS1 General Specifications 7.12: the century is the one that puts the year within -49..+50 of now; 20xx covers today's codes.
  const year = 2000 + Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  const day = m[3] === '00' ? new Date(Date.UTC(year, month, 0)).getUTCDate() : Number(m[3]);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** ILMD of a unit: lot and expiry in the CBV's master-data terms, the production date in ours (the CBV has no such ILMD term). */
function unitIlmd(unit: EpcisUnit): Json | null {
  const ilmd: Json = {};
  if (unit.lot) ilmd['cbvmda:lotNumber'] = unit.lot;
  const expiry = isoDateOf(unit.expiryDate);
  if (expiry) ilmd['cbvmda:itemExpirationDate'] = expiry;
  const produced = isoDateOf(unit.productionDate);
  if (produced) ilmd[`${OKTO_PREFIX}:productionDate`] = produced;
  return Object.keys(ilmd).length > 0 ? ilmd : null;
}

function readPointOf(lineId: string | null | undefined, config: EpcisConfig): Json | null {
  return lineId ? { id: `${baseOf(config)}line/${encodeURIComponent(lineId)}` } : null;
}

/** Builds the events of one document; the zone-offset cache lives as long as the builder. */
export function createEpcisEventBuilder(options: EpcisBuildOptions) {
  const { config } = options;
  const rule = ruleOf(config);
  const offsetOf = createZoneOffsetOf(options.timeZone);
  const eventTime = (at: string) => {
    const ms = Date.parse(at);
    return { eventTime: new Date(ms).toISOString(), eventTimeZoneOffset: offsetOf(ms) };
  };
  const packUri = (level: 'box' | 'pallet', identifier: string, sscc?: string | null) =>
    sscc ? ssccUri(sscc, rule) : `${baseOf(config)}${level}/${encodeURIComponent(identifier)}`;
  const childUri = (child: EpcisChild) =>
    'gtin' in child ? sgtinUri(child.gtin, child.serial, rule) : 'sscc' in child ? ssccUri(child.sscc, rule) : packUri(child.level, child.identifier);

  return {
    /** ObjectEvent ADD commissioning, disposition active, the unit's SGTIN, its lot and dates as ILMD. */
    objectEvent(unit: EpcisUnit): Json {
      const event: Json = {
        type: 'ObjectEvent',
        ...eventTime(unit.at),
        epcList: [sgtinUri(unit.gtin, unit.serial, rule)],
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
      };
      const readPoint = readPointOf(unit.lineId, config);
      if (readPoint) event.readPoint = readPoint;
      const ilmd = unitIlmd(unit);
      if (ilmd) event.ilmd = ilmd;
      return event;
    },

    /** AggregationEvent ADD packing of a box or pallet; null for an empty one (EPCIS needs at least one child). */
    aggregationEvent(pack: EpcisPack): Json | null {
      if (pack.children.length === 0) return null;
      const event: Json = {
        type: 'AggregationEvent',
        ...eventTime(pack.at),
        parentID: packUri(pack.level, pack.identifier, pack.sscc),
        childEPCs: pack.children.map(childUri),
        action: 'ADD',
        bizStep: 'packing',
        disposition: 'in_progress',
      };
      const readPoint = readPointOf(pack.lineId, config);
      if (readPoint) event.readPoint = readPoint;
      return event;
    },
  };
}

export type EpcisEventBuilder = ReturnType<typeof createEpcisEventBuilder>;

/**
 * The document, as text pieces in order: the head, each event, the tail. Whoever reads the events
 * (a cursor over a store) hands them in one at a time, so the document is never whole in memory.
 */
export async function* epcisDocumentChunks(options: { config: EpcisConfig; creationDate: string; events: AsyncIterable<Json> }): AsyncGenerator<string> {
  const head = { '@context': epcisContext(options.config), type: 'EPCISDocument', schemaVersion: '2.0', creationDate: options.creationDate };
  const headText = JSON.stringify(head);
  yield `${headText.slice(0, -1)},"epcisBody":{"eventList":[`;
  let first = true;
  for await (const event of options.events) {
    yield (first ? '\n' : ',\n') + JSON.stringify(event);
    first = false;
  }
  yield '\n]}}\n';
}

/**
 * The events of a document: an ObjectEvent per unit, then an AggregationEvent per box and pallet
 * (each source read lazily, page by page). A record whose identity cannot be an EPC (not a GTIN-14
 * or an SSCC-18: data from before validation, or from a foreign sender) is left out and counted.
 */
export async function* epcisEventsOf(
  builder: EpcisEventBuilder,
  sources: { units: AsyncIterable<EpcisUnit>; packs: AsyncIterable<EpcisPack> },
  skipped: { count: number } = { count: 0 },
): AsyncGenerator<Json> {
  for await (const unit of sources.units) {
    const event = attempt(() => builder.objectEvent(unit));
    if (event) yield event;
    else skipped.count++;
  }
  for await (const pack of sources.packs) {
    const event = attempt(() => builder.aggregationEvent(pack));
    if (event) yield event;
    else if (event === undefined) skipped.count++;
  }
}

/** The builder's result; undefined when the record's identifiers are not EPC-able (RangeError). */
function attempt<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Where the events come from (the edge's tables, the factory's sync items): a port the adapters fill. */
export interface EpcisSource {
  units(from: string, to: string): AsyncIterable<EpcisUnit>;
  packs(from: string, to: string): AsyncIterable<EpcisPack>;
}

/** GET /api/v1/epcis/events of one side: the document of [from, to) as text pieces. */
export function createEpcisExport(options: EpcisBuildOptions & { source: EpcisSource; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  return {
    document(range: { from: string; to: string }): AsyncIterable<string> {
      const builder = createEpcisEventBuilder(options);
      const events = epcisEventsOf(builder, { units: options.source.units(range.from, range.to), packs: options.source.packs(range.from, range.to) });
      return epcisDocumentChunks({ config: options.config, creationDate: now().toISOString(), events });
    },
  };
}

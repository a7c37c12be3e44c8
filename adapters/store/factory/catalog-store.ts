import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { DomainError } from '../../../src/domain/domain-error.js';
import { type AuditActor, audited } from './audit-log.js';
import { isUniqueViolation } from './factory-database.js';

export type CabinetType = 'WET' | 'DRY';

export interface CloudEndpointRecord {
  id: string;
  name: string;
  url: string;
  description: string | null;
  createdAt: string;
}

export interface SiteRecord {
  code: string;
  name: string;
  timeZone: string | null;
  address: string | null;
  createdAt: string;
}

export interface VariantRecord {
  code: string;
  name: string;
  cabinetType: CabinetType;
  description: string | null;
  createdAt: string;
}

type Row = Record<string, string | null>;

/**
 * One catalog: its table, its key, which fields must be unique, and how a row reads. The three
 * catalogs differ only in these, so they share one implementation.
 */
interface CatalogSpec<TRecord, TFields> {
  table: string;
  /** Entity type and action prefix in the audit log, e.g. catalog.site. */
  entity: string;
  label: string;
  key: 'id' | 'code';
  /** Columns besides the key that must be unique (the unique index backs the check). */
  unique: Array<keyof TFields & string>;
  toRow(fields: TFields): Row;
  fromRow(row: Row): TRecord;
}

const str = (value: string | null | undefined) => value ?? null;

const cloudEndpoints: CatalogSpec<CloudEndpointRecord, { name: string; url: string; description?: string | null }> = {
  table: 'catalog_cloud_endpoints',
  entity: 'catalog.cloud_endpoint',
  label: 'Cloud endpoint',
  key: 'id',
  unique: ['name'],
  toRow: (f) => ({ name: f.name, url: f.url, description: str(f.description) }),
  fromRow: (r) => ({ id: r.id!, name: r.name!, url: r.url!, description: r.description ?? null, createdAt: r.created_at! }),
};

const sites: CatalogSpec<SiteRecord, { code: string; name: string; timeZone?: string | null; address?: string | null }> = {
  table: 'catalog_sites',
  entity: 'catalog.site',
  label: 'Site',
  key: 'code',
  unique: [],
  toRow: (f) => ({ code: f.code, name: f.name, time_zone: str(f.timeZone), address: str(f.address) }),
  fromRow: (r) => ({ code: r.code!, name: r.name!, timeZone: r.time_zone ?? null, address: r.address ?? null, createdAt: r.created_at! }),
};

const variants: CatalogSpec<VariantRecord, { code: string; name: string; cabinetType: CabinetType; description?: string | null }> = {
  table: 'catalog_variants',
  entity: 'catalog.variant',
  label: 'Variant',
  key: 'code',
  unique: [],
  toRow: (f) => ({ code: f.code, name: f.name, cabinet_type: f.cabinetType, description: str(f.description) }),
  fromRow: (r) => ({ code: r.code!, name: r.name!, cabinetType: r.cabinet_type as CabinetType, description: r.description ?? null, createdAt: r.created_at! }),
};

function catalog<TRecord, TFields extends object>(db: Knex, spec: CatalogSpec<TRecord, TFields>) {
  const find = async (trx: Knex | Knex.Transaction, key: string) => {
    const row = (await trx(spec.table).where({ [spec.key]: key }).first()) as Row | undefined;
    return row ? spec.fromRow(row) : null;
  };
  return {
    async list(): Promise<TRecord[]> {
      return ((await db(spec.table).orderBy(spec.key === 'code' ? 'code' : 'name')) as Row[]).map(spec.fromRow);
    },

    get: (key: string) => find(db, key),

    /** CONFLICT when the key (code) or a unique field (name) is taken. */
    create(actor: AuditActor, fields: TFields): Promise<TRecord> {
      const row = spec.toRow(fields);
      const key = spec.key === 'id' ? randomUUID() : String(row[spec.key]);
      return audited(db, { actor, action: `${spec.entity}.create`, entityType: spec.entity, entityId: key }, async (trx) => {
        const taken = async (): Promise<DomainError | null> => {
          if (spec.key === 'code' && (await find(trx, key))) return new DomainError('CONFLICT', `${spec.label} ${key} already exists`, { field: 'code' });
          for (const field of spec.unique) {
            const value = (fields as Record<string, unknown>)[field];
            if (await trx(spec.table).where({ [field]: value }).first()) return new DomainError('CONFLICT', `A ${spec.label.toLowerCase()} with ${field} "${String(value)}" already exists`, { field });
          }
          return null;
        };
        const refusal = await taken();
        if (refusal) throw refusal;
        try {
          await trx(spec.table).insert({ ...row, [spec.key]: key, created_at: new Date().toISOString() });
        } catch (error) {
          // A create racing past the checks above: the unique index decides.
          if (isUniqueViolation(error)) throw new DomainError('CONFLICT', `${spec.label} already exists`);
          throw error;
        }
        const created = (await find(trx, key))!;
        return { result: created, after: created };
      });
    },

    remove(actor: AuditActor, key: string): Promise<{ [k: string]: string }> {
      return audited(db, { actor, action: `${spec.entity}.delete`, entityType: spec.entity, entityId: key }, async (trx) => {
        const before = await find(trx, key);
        if (!before) throw new DomainError('NOT_FOUND', `${spec.label} ${key} not found`);
        await trx(spec.table).where({ [spec.key]: key }).delete();
        return { result: { [spec.key]: key }, before };
      });
    },
  };
}

/** The self-service catalogs (cloud endpoints, sites, cabinet variants): reads, and audited writes. */
export function createCatalogStore(db: Knex) {
  return {
    cloudEndpoints: catalog(db, cloudEndpoints),
    sites: catalog(db, sites),
    variants: catalog(db, variants),
  };
}

export type CatalogStore = ReturnType<typeof createCatalogStore>;

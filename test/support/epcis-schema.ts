import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';

// ajv and ajv-formats are CommonJS with a default export.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: unknown) => void;

const SCHEMA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'epcis', 'EPCIS-JSON-Schema.json');

let validate: ((data: unknown) => boolean) & { errors?: unknown } | null = null;

/** Asserts that `document` is valid against GS1's EPCIS 2.0 JSON schema (test/fixtures/epcis). */
export function expectValidEpcis(document: unknown): void {
  if (!validate) {
    const ajv = new (Ajv as unknown as new (options: object) => { compile(schema: object): typeof validate })({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  const ok = validate!(document);
  expect(ok, JSON.stringify(validate!.errors, null, 1)?.slice(0, 3000)).to.equal(true);
}

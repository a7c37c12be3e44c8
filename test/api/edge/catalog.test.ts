import { expect } from 'chai';
import { z } from 'zod';
import { MESSAGES } from '../../../src/domain/i18n/messages.js';
import { scannerSchema } from '../../../adapters/scanners/scanners-config.js';
import { printerConfigSchema } from '../../../adapters/printers/printers-config.js';
import { plcSchema } from '../../../adapters/plcs/plcs-config.js';
import { expectData, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { startTestEdge, type TestEdge } from '../../support/edge-harness.js';

const PATHS = ['/api/v1/catalog/scanners', '/api/v1/catalog/printers', '/api/v1/catalog/plc-protocols'];

/** Every property of every object in a JSON Schema, with its dotted path. */
function properties(schema: unknown, at = ''): Array<{ path: string; property: Record<string, unknown> }> {
  if (Array.isArray(schema)) return schema.flatMap((item) => properties(item, at));
  if (!schema || typeof schema !== 'object') return [];
  const out: Array<{ path: string; property: Record<string, unknown> }> = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties') {
      for (const [name, property] of Object.entries(value as Record<string, Record<string, unknown>>)) {
        out.push({ path: `${at}${name}`, property });
        out.push(...properties(property, `${at}${name}.`));
      }
    } else if (typeof value === 'object') out.push(...properties(value, at));
  }
  return out;
}

describe('edge API: /api/v1/catalog (driver metadata)', () => {
  let t: TestEdge;
  before(async () => {
    t = await startTestEdge();
  });
  after(async () => {
    await t?.stop();
  });
  const get = async (path: string) => expectData(await t.request('GET', path, { token: t.tokens.manager }));

  describe('authentication: MANAGER and up', () => {
    itRequiresAuth(() => t, PATHS.map((path) => ({ method: 'GET', path, role: 'MANAGER' as const })));
  });

  it('scanners: transports, models with their defaults, roles, and the JSON Schema of PUT /api/v1/scanners items', async () => {
    const data = await get(PATHS[0]!);
    expect(data.maxItems).to.equal(10);
    expect(data.overrideKey).to.equal('l2.override.scanners');
    expect(data.transports.map((x: { id: string }) => x.id)).to.include.members(['TCP', 'SERIAL', 'MODBUS', 'ETHERNET_IP', 'USB_HID']);
    const cognex = data.models.find((m: { id: string }) => m.id === 'COGNEX_DATAMAN');
    expect(cognex).to.deep.include({ defaultPort: 23, trigger: '||>TRIGGER ON\r\n' });
    expect(data.roles.map((r: { id: string }) => r.id)).to.deep.equal(['ADD', 'REMOVE', 'VERIFY_LOCAL_BUFFER', 'REJECTION', 'PACKAGE', 'BOX', 'REJECTION_FEEDBACK']);
    expect(data.schema.required).to.have.members(['id', 'transport']);
    expect(data.schema.properties.mode).to.deep.include({ default: 'connect', enum: ['connect', 'listen'] });
    expect(data.schema.properties.serial.properties.baudRate).to.deep.include({ type: 'integer', default: 9600 });
    expect(data.schema.additionalProperties).to.equal(false);
    expect(data.framingSchema.properties.suffix).to.have.property('description');
    // Descriptions in Russian by default.
    expect(data.schema.properties.role.description).to.match(/[а-я]/);
  });

  it('the schema is generated from the validating zod schema (the same object, nothing hand-written)', async () => {
    const data = await get(PATHS[0]!);
    const generated = z.toJSONSchema(scannerSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const strip = (node: unknown): unknown =>
      Array.isArray(node) ? node.map(strip) : node && typeof node === 'object' ? Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'description' && k !== '$schema').map(([k, v]) => [k, strip(v)])) : node;
    expect(strip(data.schema)).to.deep.equal(strip(generated));
    const printers = await get(PATHS[1]!);
    expect(strip(printers.schema)).to.deep.equal(strip(z.toJSONSchema(printerConfigSchema, { io: 'input', unrepresentable: 'any' })));
    const plcs = await get(PATHS[2]!);
    expect(strip(plcs.schema)).to.deep.equal(strip(z.toJSONSchema(plcSchema, { io: 'input', unrepresentable: 'any' })));
  });

  it('printers: models with their params schema and default port', async () => {
    const data = await get(PATHS[1]!);
    expect(data.models.map((m: { id: string }) => m.id)).to.deep.equal(['ZEBRA_ZPL', 'VIDEOJET', 'GENERIC_TCP']);
    const zebra = data.models[0];
    expect(zebra.defaultPort).to.equal(9100);
    expect(zebra.params.properties.statusPollMs).to.deep.include({ type: 'integer', default: 100 });
    expect(data.schema.oneOf).to.have.length(3);
  });

  it('plc-protocols: every protocol with driver availability, browsing and default port; the bindings', async () => {
    const data = await get(PATHS[2]!);
    const byId = Object.fromEntries(data.protocols.map((p: { id: string }) => [p.id, p]));
    expect(Object.keys(byId)).to.have.members(['MODBUS_TCP', 'MODBUS_RTU', 'OPC_UA', 'PROFINET', 'ETHERNET_IP', 'TCP_SOCKET']);
    expect(byId.MODBUS_TCP).to.deep.include({ driver: true, browses: false, defaultPort: 502 });
    expect(byId.OPC_UA).to.deep.include({ driver: true, browses: true });
    expect(data.schema.properties.safeState).to.deep.include({ default: 'stop', enum: ['stop', 'reject_all'] });
    expect(data.bindings.signals).to.include('eject');
    expect(data.bindings.schema.properties.kind.default).to.equal('coil');
  });

  it('every field of every schema has a description, in both languages', async () => {
    for (const lang of ['ru', 'en']) {
      for (const path of PATHS) {
        const data = await get(`${path}?lang=${lang}`);
        const schemas = [data.schema, data.framingSchema, data.bindings?.schema, ...(data.models ?? []).map((m: { params?: unknown }) => m.params)].filter(Boolean);
        for (const schema of schemas) {
          for (const { path: field, property } of properties(schema)) {
            expect(property.description, `${path} ${lang}: ${field}`).to.be.a('string').and.not.empty;
          }
        }
      }
    }
    const en = await get(`${PATHS[0]}?lang=en`);
    expect(en.schema.properties.role.description).to.equal(MESSAGES['catalog.scanner.role']!.en);
  });

  it('400 for an unknown language or an unknown query parameter', async () => {
    expectValidationError(await t.request('GET', `${PATHS[0]}?lang=de`, { token: t.tokens.manager }), 'lang');
    expectValidationError(await t.request('GET', `${PATHS[1]}?format=xml`, { token: t.tokens.manager }), 'format');
  });
});

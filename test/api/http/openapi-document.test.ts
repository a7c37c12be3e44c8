import { expect } from 'chai';
import { z } from 'zod';
import { buildOpenApiDocument, openApiPath } from '../../../api/http/openapi/document.js';
import { describeRoute } from '../../../api/http/openapi/route-description.js';
import { schemaProblems } from '../../support/json-schema-check.js';

const build = (...routes: Parameters<typeof describeRoute>[0][]) =>
  buildOpenApiDocument({ title: 't', version: '1', description: 'd', routes: routes.map(describeRoute) }) as any;

describe('OpenAPI document builder', () => {
  it("turns Koa's :params (with or without a regexp) into {params}", () => {
    expect(openApiPath('/api/v1/devices/:id/commands/:cmdId')).to.equal('/api/v1/devices/{id}/commands/{cmdId}');
    expect(openApiPath('/api/v1/printers/:index(\\d+)/status')).to.equal('/api/v1/printers/{index}/status');
  });

  it('describes a role route: bearer auth, x-required-role, the role in the text, 401 and 403', () => {
    const op = build({ method: 'DELETE', path: '/api/v1/things/:id', summary: 'Delete', access: 'MANAGER', params: z.object({ id: z.string().max(9) }) }).paths['/api/v1/things/{id}'].delete;
    expect(op['x-required-role']).to.equal('MANAGER');
    expect(op.description).to.include('MANAGER');
    expect(op.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(op.parameters).to.deep.equal([{ name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 9 } }]);
    expect(Object.keys(op.responses)).to.have.members(['200', '400', '401', '403', '404', '409', '503']);
  });

  it('describes a public route without security, 401 or 403; a body brings the 413', () => {
    const op = build({ method: 'POST', path: '/login', summary: 'Login', access: 'public', body: z.object({ username: z.string() }).strict() }).paths['/login'].post;
    expect(op.security).to.deep.equal([]);
    expect(op.responses).to.not.have.any.keys('401', '403');
    expect(op.responses).to.have.property('413');
    expect(op.requestBody.content['application/json'].schema).to.deep.include({ type: 'object', required: ['username'], additionalProperties: false });
  });

  it('a device route has 401 but no 403; query parameters come from the query schema', () => {
    const op = build({ method: 'GET', path: '/x', summary: 'X', access: 'device', query: z.object({ limit: z.coerce.number().int().optional(), q: z.string() }) }).paths['/x'].get;
    expect(op.responses).to.have.property('401');
    expect(op.responses).to.not.have.property('403');
    expect(op.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required])).to.deep.equal([['limit', false], ['q', true]]);
  });

  it('wraps the described data in the success envelope, and error answers in the error envelope', () => {
    const document = build({ method: 'GET', path: '/n', summary: 'N', access: 'OPERATOR', response: z.object({ n: z.number() }) });
    const ok = document.paths['/n'].get.responses['200'].content['application/json'].schema;
    expect(schemaProblems({ success: true, data: { n: 1 } }, ok, document)).to.deep.equal([]);
    expect(schemaProblems({ success: true, data: { n: 'one' } }, ok, document)).to.deep.equal(['$.data.n: expected number, got string']);
    expect(schemaProblems({ success: false, data: { n: 1 } }, ok, document)).to.not.be.empty;
    const error = document.components.responses.Error403.content['application/json'].schema;
    expect(schemaProblems({ success: false, error: { code: 'FORBIDDEN', message: 'no' } }, error, document)).to.deep.equal([]);
    expect(schemaProblems({ success: false, error: { message: 'no' } }, error, document)).to.deep.equal(['$.error: missing code']);
  });

  it('refuses the same operation described twice', () => {
    const twice = { method: 'GET', path: '/a/:id', summary: 'A', access: 'public' } as const;
    expect(() => build(twice, { ...twice, summary: 'Again' })).to.throw('GET /a/:id is described twice');
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { expectData, expectError, expectValidationError, itRequiresAuth } from '../../support/api-expect.js';
import { describeOnBothDatabases, startTestFactory, type TestFactory } from '../../support/factory-harness.js';
import { reissue } from '../../support/factory-api-fixtures.js';
import { waitFor } from '../../support/wait-for.js';
import { createFakeCommandPort } from '../../support/fake-command-port.js';
import { artifactBytes, rawRequest, upload, uploadOk } from '../../support/firmware-fixtures.js';

const RELEASES = '/api/v1/firmware/releases';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const firmwareDir = (t: TestFactory) => path.join(t.config.dataDir, 'firmware');
const leftovers = (t: TestFactory) => fs.readdirSync(firmwareDir(t)).filter((f) => f.startsWith('.upload-'));

describeOnBothDatabases('factory API: /api/v1/firmware/releases', (db) => {
  let t: TestFactory;
  before(async () => {
    t = await startTestFactory(db, { firmware: { maxSizeMb: 1 } });
  });
  after(async () => {
    await t?.stop();
  });

  const auditOf = async (entityId: string) => expectData(await t.request('GET', `/api/v1/audit-log?entityId=${entityId}`, { token: t.tokens.admin })) as any[];
  const uploadFailures = async () =>
    (expectData(await t.request('GET', '/api/v1/audit-log?limit=50', { token: t.tokens.admin })) as any[]).filter((e) => e.action === 'firmware.release.upload' && e.outcome === 'failure');

  describe('upload', () => {
    it('streams the raw body to disk and stores its sha256 and size (201), audited', async () => {
      const bytes = artifactBytes(300_000);
      const res = await upload(t, '1.0.0', bytes, { filename: 'okto-edge-1.0.0.tar.gz' });
      expect(res.status, res.body.toString()).to.equal(201);
      const release = res.json.data;
      expect(release).to.include({ version: '1.0.0', filename: 'okto-edge-1.0.0.tar.gz', size: bytes.length, sha256: sha256(bytes), createdBy: 'admin' });
      expect(release.artifactPath).to.equal(`${RELEASES}/${release.id}/artifact`);
      expect(fs.readFileSync(path.join(firmwareDir(t), `${release.id}.bin`)).equals(bytes)).to.equal(true);
      expect(leftovers(t)).to.deep.equal([]);

      expect(expectData(await t.request('GET', `${RELEASES}/${release.id}`, { token: t.tokens.operator }))).to.deep.equal(release);
      const list = expectData(await t.request('GET', RELEASES, { token: t.tokens.operator })) as any[];
      expect(list.map((r) => r.id)).to.include(release.id);

      const audit = await auditOf(release.id);
      expect(audit[0]).to.include({ action: 'firmware.release.upload', outcome: 'success', username: 'admin' });
      expect(audit[0].after).to.include({ version: '1.0.0', sha256: sha256(bytes) });
    });

    it('a chunked body without Content-Length is stored the same way', async () => {
      const bytes = artifactBytes(70_000, 3);
      const res = await upload(t, '1.0.1-chunked', bytes, { headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/octet-stream' } });
      expect(res.status, res.body.toString()).to.equal(201);
      expect(res.json.data).to.include({ size: bytes.length, sha256: sha256(bytes) });
    });

    it('an empty artifact is a release too (size 0, the sha256 of nothing)', async () => {
      const release = await uploadOk(t, '0.0.1-empty', Buffer.alloc(0));
      expect(release).to.include({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    });

    it('a version that exists is 409 before a byte is stored; the first release is untouched; the refusal is audited', async () => {
      const first = await uploadOk(t, '1.1.0', artifactBytes(1000, 1));
      const again = await upload(t, '1.1.0', artifactBytes(2000, 2));
      expect(again.status).to.equal(409);
      expect(again.json.error.code).to.equal('CONFLICT');
      expect(expectData(await t.request('GET', `${RELEASES}/${first.id}`, { token: t.tokens.operator })).sha256).to.equal(first.sha256);
      expect(leftovers(t)).to.deep.equal([]);
      expect((await uploadFailures()).some((e) => /CONFLICT/.test(e.detail))).to.equal(true);
    });

    it('exactly the size cap is accepted; one byte more is 413 PAYLOAD_TOO_LARGE and nothing is kept', async () => {
      const cap = 1024 * 1024;
      expect((await uploadOk(t, '2.0.0-cap', artifactBytes(cap))).size).to.equal(cap);
      const before = fs.readdirSync(firmwareDir(t)).length;
      const over = await upload(t, '2.0.0-over', artifactBytes(cap + 1));
      expect(over.status).to.equal(413);
      expect(over.json.error.code).to.equal('PAYLOAD_TOO_LARGE');
      expect(fs.readdirSync(firmwareDir(t))).to.have.length(before);
      const list = expectData(await t.request('GET', RELEASES, { token: t.tokens.operator })) as any[];
      expect(list.map((r) => r.version)).to.not.include('2.0.0-over');
    });

    it('over the cap without a declared length (chunked): stopped while streaming, 413, the temp file removed', async () => {
      const over = await upload(t, '2.0.1-over', artifactBytes(1024 * 1024 + 70_000), { headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/octet-stream' } });
      expect(over.status).to.equal(413);
      expect(over.json.error.code).to.equal('PAYLOAD_TOO_LARGE');
      expect(leftovers(t)).to.deep.equal([]);
      expect((await uploadFailures()).some((e) => /PAYLOAD_TOO_LARGE/.test(e.detail))).to.equal(true);
    });

    it('an upload cut off midway leaves nothing behind (no release, no temp file)', async () => {
      await new Promise<void>((resolve) => {
        const req = http.request(new URL(`${RELEASES}?version=2.1.0-cut&filename=a.bin`, t.url), {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${t.tokens.admin}`, 'content-type': 'application/octet-stream', 'content-length': 500_000 },
        });
        req.on('error', () => resolve());
        req.write(artifactBytes(50_000), () => setTimeout(() => req.destroy(), 20));
      });
      // The server saw the upload fail (audited), and removed what had arrived.
      await waitFor(async () => (await uploadFailures()).some((e) => /upload failed/.test(e.detail)), 5000, 'the cut upload to be audited as failed');
      expect(leftovers(t)).to.deep.equal([]);
      const list = expectData(await t.request('GET', RELEASES, { token: t.tokens.operator })) as any[];
      expect(list.map((r) => r.version)).to.not.include('2.1.0-cut');
      // The version is still free.
      expect((await uploadOk(t, '2.1.0-cut', artifactBytes(10))).size).to.equal(10);
    });

    it('bad query parameters are 400 naming the field', async () => {
      const post = (query: string) => rawRequest(t, 'POST', `${RELEASES}?${query}`, { token: t.tokens.admin, body: Buffer.from('x') });
      const cases: Array<[string, string]> = [
        ['filename=a.bin', 'version'],
        ['version=1.0', 'filename'],
        ['version=1.0&filename=../etc/passwd', 'filename'],
        ['version=1.0&filename=', 'filename'],
        ['version=%20bad&filename=a.bin', 'version'],
        [`version=${'9'.repeat(65)}&filename=a.bin`, 'version'],
        ['version=1.0&filename=a.bin&extra=1', 'extra'],
      ];
      for (const [query, field] of cases) {
        const res = await post(query);
        expectValidationError({ status: res.status, body: res.json, headers: new Headers(res.headers as Record<string, string>) }, field);
      }
    });

    it('a body that is not raw bytes (JSON, or compressed) is 415, not stored', async () => {
      const json = await t.request('POST', `${RELEASES}?version=3.0.0&filename=a.bin`, { token: t.tokens.admin, body: { firmware: 'x' } });
      expectError(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
      const gz = await upload(t, '3.0.0', artifactBytes(100), { headers: { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' } });
      expect(gz.status).to.equal(415);
      const list = expectData(await t.request('GET', RELEASES, { token: t.tokens.operator })) as any[];
      expect(list.map((r) => r.version)).to.not.include('3.0.0');
    });
  });

  describe('authentication and roles', () => {
    let id = '';
    before(async () => {
      id = (await uploadOk(t, '4.0.0-auth', artifactBytes(10))).id;
    });
    itRequiresAuth(() => t, [
      { method: 'GET', path: RELEASES },
      { method: 'GET', path: `${RELEASES}/fw-unknown` },
      { method: 'POST', path: `${RELEASES}?version=4.1.0&filename=a.bin`, role: 'ADMIN' },
      { method: 'DELETE', path: `${RELEASES}/fw-unknown`, role: 'ADMIN' },
    ]);

    it('unknown ids are 404', async () => {
      expectError(await t.request('GET', `${RELEASES}/fw-nope`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expectError(await t.request('DELETE', `${RELEASES}/fw-nope`, { token: t.tokens.admin }), 404, 'NOT_FOUND');
      expectError(await t.request('GET', `${RELEASES}/fw-nope/artifact`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
    });

    it('the artifact takes a user token (any role) or a current device token; a revoked device token is 401', async () => {
      const artifact = `${RELEASES}/${id}/artifact`;
      for (const token of [t.tokens.operator, t.tokens.manager, t.tokens.admin]) expect((await rawRequest(t, 'GET', artifact, { token })).status).to.equal(200);
      const deviceToken = await t.enrol('fw-auth-edge');
      expect((await rawRequest(t, 'GET', artifact, { token: deviceToken })).status).to.equal(200);
      await reissue(t, 'fw-auth-edge');
      const revoked = await rawRequest(t, 'GET', artifact, { token: deviceToken });
      expect(revoked.status).to.equal(401);
      expect(revoked.json.error.message).to.match(/revoked/);
      for (const token of [undefined, 'garbage', 'a.b.c']) expect((await rawRequest(t, 'GET', artifact, token ? { token } : {})).status).to.equal(401);
    });
  });

  describe('artifact download', () => {
    const bytes = artifactBytes(2_000_000 >> 1, 11); // 1,000,000 bytes
    let release: any;
    let artifact = '';
    before(async () => {
      release = await uploadOk(t, '5.0.0', bytes);
      artifact = `${RELEASES}/${release.id}/artifact`;
    });
    const get = (headers: Record<string, string> = {}) => rawRequest(t, 'GET', artifact, { token: t.tokens.operator, headers });

    it('the whole artifact: 200 with ETag "<sha256>", Accept-Ranges, Content-Length, streamed bytes', async () => {
      const res = await get();
      expect(res.status).to.equal(200);
      expect(res.headers.etag).to.equal(`"${release.sha256}"`);
      expect(res.headers['accept-ranges']).to.equal('bytes');
      expect(res.headers['content-length']).to.equal(String(bytes.length));
      expect(res.headers['content-type']).to.equal('application/octet-stream');
      expect(res.headers['content-disposition']).to.equal('attachment; filename="okto-edge-5.0.0.bin"');
      expect(res.body.equals(bytes)).to.equal(true);
    });

    it('a Cyrillic file name downloads (200) for a user and a device, with an RFC 6266 filename* and an ASCII fallback', async () => {
      const res = await upload(t, '5.0.1-cyrillic', artifactBytes(1000), { filename: 'прошивка-1.2.tar.gz' });
      expect(res.status, res.body.toString()).to.equal(201);
      expect(res.json.data.filename).to.equal('прошивка-1.2.tar.gz');
      const path = `${RELEASES}/${res.json.data.id}/artifact`;
      const deviceToken = await t.enrol('fw-cyrillic-edge');
      for (const token of [t.tokens.operator, deviceToken]) {
        const download = await rawRequest(t, 'GET', path, { token });
        expect(download.status, download.body.toString().slice(0, 200)).to.equal(200);
        expect(download.body.length).to.equal(1000);
        expect(download.headers['content-disposition']).to.equal(
          `attachment; filename="_-1.2.tar.gz"; filename*=UTF-8''${encodeURIComponent('прошивка-1.2.tar.gz')}`,
        );
      }
    });

    it('HEAD answers the headers without the bytes', async () => {
      const res = await rawRequest(t, 'HEAD', artifact, { token: t.tokens.operator });
      expect(res.status).to.equal(200);
      expect(res.headers['content-length']).to.equal(String(bytes.length));
      expect(res.body).to.have.length(0);
    });

    it('Range a-b, a-, -n and an end past the size: 206 with Content-Range and exactly those bytes', async () => {
      const size = bytes.length;
      const cases: Array<[string, number, number]> = [
        ['bytes=0-99', 0, 99],
        ['bytes=100-100', 100, 100],
        ['bytes=999000-', 999_000, size - 1],
        ['bytes=-500', size - 500, size - 1],
        ['bytes=-5000000', 0, size - 1],
        ['bytes=999990-2000000', 999_990, size - 1],
      ];
      for (const [range, start, end] of cases) {
        const res = await get({ range });
        expect(res.status, range).to.equal(206);
        expect(res.headers['content-range'], range).to.equal(`bytes ${start}-${end}/${size}`);
        expect(res.headers['content-length'], range).to.equal(String(end - start + 1));
        expect(res.headers.etag).to.equal(`"${release.sha256}"`);
        expect(res.body.equals(bytes.subarray(start, end + 1)), range).to.equal(true);
      }
    });

    it('an unsatisfiable range is 416 with Content-Range: bytes */size', async () => {
      for (const range of [`bytes=${bytes.length}-`, 'bytes=2000000-2000010', 'bytes=-0']) {
        const res = await get({ range });
        expect(res.status, range).to.equal(416);
        expect(res.headers['content-range']).to.equal(`bytes */${bytes.length}`);
        expect(res.json.error.code).to.equal('RANGE_NOT_SATISFIABLE');
      }
    });

    it('a range we do not serve (several ranges, another unit, inverted, malformed) is ignored: 200 with everything', async () => {
      for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=50-10', 'bytes=abc', 'bytes=-']) {
        const res = await get({ range });
        expect(res.status, range).to.equal(200);
        expect(res.body.length).to.equal(bytes.length);
      }
    });

    it('If-Range: the range holds for the same ETag; another ETag gets the whole (new) artifact', async () => {
      const same = await get({ range: 'bytes=10-19', 'if-range': `"${release.sha256}"` });
      expect(same.status).to.equal(206);
      expect(same.body.equals(bytes.subarray(10, 20))).to.equal(true);
      const stale = await get({ range: 'bytes=10-19', 'if-range': '"0000"' });
      expect(stale.status).to.equal(200);
      expect(stale.body.equals(bytes)).to.equal(true);
    });

    it('If-None-Match with its ETag is 304', async () => {
      const res = await get({ 'if-none-match': `"${release.sha256}"` });
      expect(res.status).to.equal(304);
      expect(res.body).to.have.length(0);
    });

    it('an interrupted download resumed with Range and If-Range gives exactly the artifact', async () => {
      // Read part of the body, then drop the connection, as a cabinet losing its network would.
      const partial = await new Promise<Buffer>((resolve, reject) => {
        const req = http.get(new URL(artifact, t.url), { headers: { authorization: `Bearer ${t.tokens.operator}` }, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            received += chunk.length;
            if (received >= 100_000) {
              req.destroy();
              resolve(Buffer.concat(chunks));
            }
          });
          res.on('error', () => undefined);
        });
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      });
      expect(partial.length).to.be.within(100_000, bytes.length - 1);
      const rest = await get({ range: `bytes=${partial.length}-`, 'if-range': `"${release.sha256}"` });
      expect(rest.status).to.equal(206);
      expect(rest.headers['content-range']).to.equal(`bytes ${partial.length}-${bytes.length - 1}/${bytes.length}`);
      const whole = Buffer.concat([partial, rest.body]);
      expect(sha256(whole)).to.equal(release.sha256);
      expect(whole.equals(bytes)).to.equal(true);
    });
  });

  describe('delete', () => {
    it('removes the row and the file (ADMIN), audited; the artifact is then 404', async () => {
      const release = await uploadOk(t, '6.0.0', artifactBytes(500));
      const removed = expectData(await t.request('DELETE', `${RELEASES}/${release.id}`, { token: t.tokens.admin }));
      expect(removed.id).to.equal(release.id);
      expect(fs.existsSync(path.join(firmwareDir(t), `${release.id}.bin`))).to.equal(false);
      expectError(await t.request('GET', `${RELEASES}/${release.id}`, { token: t.tokens.operator }), 404, 'NOT_FOUND');
      expect((await rawRequest(t, 'GET', `${RELEASES}/${release.id}/artifact`, { token: t.tokens.operator })).status).to.equal(404);
      expect((await auditOf(release.id)).map((e) => e.action)).to.include('firmware.release.delete');
    });

    it('is refused (409) while a deployment that has not finished uses it, and allowed once it finished', async () => {
      const commands = createFakeCommandPort((command) => t.factory.system.bus.publish({ type: 'command.changed', command }));
      const previous = t.factory.system.services.commands;
      t.factory.system.services.commands = commands.port;
      try {
        await t.enrol('fw-delete-edge');
        const release = await uploadOk(t, '6.1.0', artifactBytes(500));
        const deployment = expectData(await t.request('POST', '/api/v1/firmware/deployments', { token: t.tokens.admin, body: { releaseId: release.id, deviceIds: ['fw-delete-edge'] } }), 201);
        const refused = expectError(await t.request('DELETE', `${RELEASES}/${release.id}`, { token: t.tokens.admin }), 409, 'CONFLICT');
        expect(refused.details).to.deep.equal({ deployments: [deployment.id] });
        expect(fs.existsSync(path.join(firmwareDir(t), `${release.id}.bin`))).to.equal(true);

        commands.finish(commands.commandFor('fw-delete-edge').id, 'SUCCEEDED');
        await waitFor(
          async () => expectData(await t.request('GET', `/api/v1/firmware/deployments/${deployment.id}`, { token: t.tokens.operator })).finishedAt !== null,
          5000,
          'the deployment to finish',
        );
        expectData(await t.request('DELETE', `${RELEASES}/${release.id}`, { token: t.tokens.admin }));
        // The deployment's history stays.
        expect(expectData(await t.request('GET', `/api/v1/firmware/deployments/${deployment.id}`, { token: t.tokens.operator })).status).to.equal('completed');
      } finally {
        t.factory.system.services.commands = previous;
      }
    });
  });
});

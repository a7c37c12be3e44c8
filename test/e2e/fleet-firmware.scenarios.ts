import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { expectData } from '../support/api-expect.js';
import type { TestFactory } from '../support/factory-harness.js';
import { type FactoryProxy, startFactoryProxy } from '../support/factory-proxy.js';
import { artifactBytes, uploadOk } from '../support/firmware-fixtures.js';
import { type createFleet, dispatch, edgeCommandRecords, getCommand, SETTLE_MS, waitConnected } from '../support/fleet-edges.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Firmware rollouts to real edges (part of test/e2e/fleet-management.test.ts). The network is
 * the only thing simulated: a proxy between an edge and the factory corrupts one byte of the
 * artifact (the edge's sha256 check must catch it) or cuts the first download midway (the edge
 * must resume it with a Range request).
 */
const sha256Of = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export function firmwareScenarios(f: () => TestFactory, fleet: ReturnType<typeof createFleet>): void {
  describe('firmware rollouts', function () {
    this.timeout(4 * SETTLE_MS);
    const proxies: FactoryProxy[] = [];
    const proxy = async (...args: Parameters<typeof startFactoryProxy>) => {
      const started = await startFactoryProxy(...args);
      proxies.push(started);
      return started;
    };
    afterEach(async () => {
      for (const p of proxies.splice(0)) await p.close();
    });

    const deployment = async (id: string) => expectData(await f().request('GET', `/api/v1/firmware/deployments/${id}`, { token: f().tokens.operator }));
    const waitDeployment = (id: string, status: string) =>
      waitFor(
        async () => {
          const d = await deployment(id);
          return d.status === status ? d : null;
        },
        2 * SETTLE_MS,
        `deployment ${id} to be ${status}`,
      );
    const stagedOf = async (cabinet: { t: { edge: { system: { settingsStore: { get<T>(key: string): Promise<{ value: T } | null | undefined> } } } } }) =>
      (await cabinet.t.edge.system.settingsStore.get<{ version: string; sha256: string; path: string }>('firmware.staged'))?.value ?? null;

    it('a rollout aborts at its threshold: two edges behind a corrupting link fail verification, the edges that were off are skipped and never download', async () => {
      const release = await uploadOk(f(), '3.1.0', artifactBytes(256 * 1024, 11));
      const corrupting = [await proxy(f().url, () => ({ kind: 'corrupt', atByte: 100_000 })), await proxy(f().url, () => ({ kind: 'corrupt', atByte: 5 }))];
      const bad = [await fleet.enrolCabinet('fm-fw-bad-1', { factoryUrl: corrupting[0]!.url }), await fleet.enrolCabinet('fm-fw-bad-2', { factoryUrl: corrupting[1]!.url })];
      const good = await fleet.enrolCabinet('fm-fw-good-1');
      const off = [await fleet.enrolCabinet('fm-fw-off-1'), await fleet.enrolCabinet('fm-fw-off-2')];
      for (const cabinet of [...bad, good]) {
        await cabinet.start();
        await waitConnected(f(), cabinet.deviceId);
      }

      const ids = [...bad, good, ...off].map((c) => c.deviceId);
      const created = expectData(
        await f().request('POST', '/api/v1/firmware/deployments', {
          token: f().tokens.admin,
          // More than 50 % of at least 3 finished devices failing stops it.
          body: { releaseId: release.id, deviceIds: ids, abortThresholdPercent: 50, abortMinDevices: 3, deviceTimeoutMs: 2 * SETTLE_MS },
        }),
        201,
      );
      const aborted = await waitDeployment(created.id, 'aborted');
      const states = Object.fromEntries(aborted.devices.map((d: any) => [d.deviceId, d]));
      for (const cabinet of bad) {
        expect(states[cabinet.deviceId].state, cabinet.deviceId).to.equal('failed');
        expect(states[cabinet.deviceId].error).to.contain('VERIFY_FAILED');
      }
      // These edges have no install root: the good one staged the release, which is not installed
      // (it still runs its own version): a failure, said so (test/e2e/firmware-install.test.ts installs for real).
      expect(states['fm-fw-good-1'].state).to.equal('failed');
      expect(states['fm-fw-good-1'].error).to.contain('staged only');
      for (const cabinet of off) expect(states[cabinet.deviceId].state, cabinet.deviceId).to.equal('skipped');
      expect(aborted.counts).to.deep.include({ total: 5, installed: 0, failed: 3, skipped: 2 });
      expect(aborted.reason).to.be.a('string');

      // The corrupted copies reached the edges, which refused them: nothing staged, nothing left over.
      for (const [i, cabinet] of bad.entries()) {
        expect(corrupting[i]!.artifactRequests.map((r) => r.policy)).to.deep.equal(['corrupt']);
        expect(await stagedOf(cabinet)).to.equal(null);
        expect(fs.readdirSync(path.join(cabinet.dataDir, 'firmware')).filter((name) => name.endsWith('.part'))).to.deep.equal([]);
      }
      const staged = (await stagedOf(good))!;
      expect(staged).to.include({ version: '3.1.0', sha256: release.sha256 });
      expect(sha256Of(staged.path)).to.equal(release.sha256);

      // The skipped devices' commands are canceled: when those edges come back they never download.
      for (const cabinet of off) {
        const commandId = states[cabinet.deviceId].commandId as string;
        await waitFor(async () => (await getCommand(f(), cabinet.deviceId, commandId)).status === 'CANCELED', SETTLE_MS, `${cabinet.deviceId}'s command to be canceled`);
      }
      await off[0]!.start();
      await waitConnected(f(), off[0]!.deviceId);
      const later = await dispatch(f(), off[0]!.deviceId, { type: 'force_sync', timeoutMs: SETTLE_MS }, f().tokens.manager);
      expect(later.command.status).to.equal('SUCCEEDED');
      expect((await edgeCommandRecords(off[0]!.t)).map((r) => r.type)).to.deep.equal(['force_sync']);
      expect(await stagedOf(off[0]!)).to.equal(null);
      expect((await deployment(created.id)).status).to.equal('aborted');
    });

    it('an interrupted artifact download resumes with Range, and the staged artifact is the release', async () => {
      const size = 512 * 1024;
      const release = await uploadOk(f(), '3.2.0', artifactBytes(size, 23));
      const dataDirOf: { dir?: string } = {};
      const partFile = () => path.join(dataDirOf.dir!, 'firmware', '3.2.0.part');
      // The first download stops after 200 kB, once the edge has written some of it to disk.
      const cutting = await proxy(f().url, (index) =>
        index === 0
          ? { kind: 'cut', afterBytes: 200_000, beforeCut: () => waitFor(() => fs.existsSync(partFile()) && fs.statSync(partFile()).size > 0, SETTLE_MS, 'the edge to store part of the artifact').then(() => undefined) }
          : { kind: 'pass' },
      );
      const cabinet = await fleet.enrolCabinet('fm-fw-resume-1', { factoryUrl: cutting.url });
      dataDirOf.dir = cabinet.dataDir;
      await cabinet.start();
      await waitConnected(f(), cabinet.deviceId);

      const created = expectData(
        await f().request('POST', '/api/v1/firmware/deployments', { token: f().tokens.admin, body: { releaseId: release.id, deviceIds: [cabinet.deviceId], deviceTimeoutMs: 2 * SETTLE_MS } }),
        201,
      );
      // Staged, not installed (no install root): the deployment says so rather than "completed".
      const completed = await waitDeployment(created.id, 'failed');
      expect(completed.devices[0]).to.include({ deviceId: cabinet.deviceId, state: 'failed' });
      expect(completed.devices[0].error).to.contain('staged only');

      const [first, second, ...more] = cutting.artifactRequests;
      expect(more).to.deep.equal([]);
      expect(first).to.include({ range: null, status: 200, policy: 'cut' });
      const resumedFrom = Number(/^bytes=(\d+)-$/.exec(second!.range ?? '')?.[1]);
      expect(resumedFrom).to.be.greaterThan(0).and.at.most(200_000);
      expect(second).to.include({ status: 206, contentRange: `bytes ${resumedFrom}-${size - 1}/${size}`, policy: 'pass' });

      const command = await getCommand(f(), cabinet.deviceId, completed.devices[0].commandId);
      expect(command.status).to.equal('SUCCEEDED');
      expect(command.result).to.include({ version: '3.2.0', sha256: release.sha256, size, resumes: 1, alreadyStaged: false });
      const staged = (await stagedOf(cabinet))!;
      expect(fs.statSync(staged.path).size).to.equal(size);
      expect(sha256Of(staged.path)).to.equal(release.sha256);
      expect(fs.existsSync(partFile())).to.equal(false);
    });
  });
}

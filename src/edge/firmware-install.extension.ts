import { pruneReleases, readInstallRecord, switchCurrent, writeInstallRecord } from '../../adapters/firmware-install/install-root.js';
import type { EdgeExtensionFactory } from './extension.js';
import { FACTORY_LINK } from '../domain/actor-ids.js';
import { packageVersion } from './reported-status.js';

/**
 * The new version's half of an A/B install (docs/DEPLOYMENT.md): when this process is the version
 * an install is waiting on (install.json `restarting`, `to` = our version), it confirms itself as
 * soon as the factory welcomes its hello (which carried its softwareVersion): install.json becomes
 * `confirmed` and the old releases beyond firmware.install.keepReleases go. The launcher watches
 * for that; the update_firmware command is then answered from the record when the factory asks.
 *
 * Without the launcher (systemd and firmware.install.restart "command"), this process keeps the
 * deadline itself: not welcomed within confirmTimeoutMs, it switches `current` back, records
 * `rolled_back` and asks to be restarted (into the previous version). A crash loop needs the
 * launcher (the shipped systemd unit runs it).
 */
export const firmwareInstallExtension: EdgeExtensionFactory = ({ config, bus, logger, actor }) => {
  const { root, keepReleases } = config.firmware.install;
  const cleanups: Array<() => void> = [];

  const confirm = (version: string) => {
    const record = readInstallRecord(root!);
    if (!record || record.state !== 'restarting' || record.to !== version) return;
    writeInstallRecord(root!, { ...record, state: 'confirmed', updatedAt: new Date().toISOString() });
    const pruned = pruneReleases(root!, keepReleases, [record.from, record.to]);
    logger.warn({ version, previous: record.from, pruned }, `firmware ${version} confirmed: the factory welcomed it`);
    journal('info', 'system.firmware_confirmed', { version, previous: record.from ?? '—' });
  };

  const journal = (severity: 'info' | 'alarm', messageKey: string, params: Record<string, string>) =>
    bus.publish({ type: 'journal.record', severity, category: 'system', source: 'firmware', messageKey, params });

  const rollBackMyself = (version: string) => {
    const record = readInstallRecord(root!);
    if (!record || record.state !== 'restarting' || record.to !== version || !record.from) return;
    const reason = `version ${version} did not say hello to the factory and report healthy within ${record.confirmTimeoutMs} ms`;
    switchCurrent(root!, record.from);
    writeInstallRecord(root!, { ...record, state: 'rolled_back', reason, updatedAt: new Date().toISOString() });
    logger.error({ version, previous: record.from }, `firmware ${version} rolled back: ${reason}`);
    bus.publish({ type: 'edge.restartRequested', reason: `rollback to ${record.from}` });
  };

  return {
    name: 'firmware-install',
    started() {
      const version = packageVersion();
      if (!root || !version || cleanups.length > 0) return; // started() runs again after restart_service
      const record = readInstallRecord(root);
      // The version a rollback restored says so in its journal, once (the factory hears it from the command).
      if (record?.state === 'rolled_back' && record.from === version && !record.journaled) {
        writeInstallRecord(root, { ...record, journaled: true });
        journal('alarm', 'system.firmware_rolled_back', { version: record.to, previous: version, reason: record.reason ?? '—' });
      }
      if (!record || record.state !== 'restarting' || record.to !== version) return;
      cleanups.push(bus.subscribe('factory.link', (event) => event.state === 'connected' && confirm(version)));
      // The link may have been welcomed before the features started (a fast loopback factory).
      if (actor(FACTORY_LINK)?.getSnapshot().matches({ link: 'connected' })) confirm(version);
      if (!process.env.OKTO_LAUNCHER) {
        const left = Math.max(0, Date.parse(record.startedAt) + record.confirmTimeoutMs - Date.now());
        const timer = setTimeout(() => rollBackMyself(version), left);
        timer.unref();
        cleanups.push(() => clearTimeout(timer));
      }
    },
    async stop() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
};

import fs from 'node:fs';
import path from 'node:path';
import { parsePublicKey, verifyFirmware } from '../../auth/firmware-signature.js';
import type { CommandDeps } from './deps.js';
import { currentVersion } from '../../../adapters/firmware-install/install-root.js';
import { packageVersion } from '../reported-status.js';
import { downloadWithResume, sha256File } from './firmware-download.js';
import { installOutcome, installRelease, lineActivity, waitForQuietLine, waitForWindow } from './firmware-install.js';
import { SCAN_LINE } from '../system.js';
import { CommandContinuesAfterRestart, CommandFailure, type CommandHandler } from './types.js';

/**
 * update_firmware (ADMIN): download the release's artifact from the factory with the device
 * token (resuming an interrupted download), verify its size and sha256, and stage it as
 * <dataDir>/firmware/staged/<version>, recording the staged version — or, with an install root
 * (firmware.install.root), install it A/B (firmware-install.ts), restart into it and answer from
 * the next start: confirmed, or ROLLED_BACK with the reason (docs/DEPLOYMENT.md). An artifact that fails verification
 * is deleted and the command fails VERIFY_FAILED: success is never reported for it. Before any
 * byte is downloaded the release's Ed25519 signature (of version, sha256 and size) must verify
 * against a key of firmware.trustedKeys; unsigned, signed by an unknown key or badly signed is
 * VERIFY_FAILED as well (firmware.allowUnsigned with no trusted key skips this: demo only).
 * Progress: downloading → verifying → staging, or → installing → restarting.
 */
export const STAGED_FIRMWARE_KEY = 'firmware.staged';

export interface StagedFirmware {
  version: string;
  releaseId: string;
  sha256: string;
  size: number;
  path: string;
  stagedAt: string;
  deploymentId: string | null;
}

const SAFE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export const updateFirmware = (deps: CommandDeps): CommandHandler<'update_firmware'> => {
  const handler: CommandHandler<'update_firmware'> = async (params, { signal, progress, logger, commandId }) => {
    const { config, settingsStore } = deps.system;
    const install = config.firmware.install;
    if (!SAFE_VERSION.test(params.version) || params.version.includes('..')) {
      throw new CommandFailure('INVALID_PARAMS', `version "${params.version}" cannot name a file (letters, digits, . _ + -)`);
    }
    if (!config.factory.url || !config.factory.deviceToken) {
      throw new CommandFailure('NOT_CONFIGURED', 'this edge has no factory URL and device token to download the artifact with');
    }
    if (install.root && currentVersion(install.root) === params.version && packageVersion() === params.version) {
      return { version: params.version, softwareVersion: params.version, installed: true, alreadyRunning: true };
    }
    checkSignature(config.firmware, params, logger, commandId);
    const dir = path.join(config.dataDir, 'firmware');
    const stagedDir = path.join(dir, 'staged');
    const stagedPath = path.join(stagedDir, params.version);
    const partPath = path.join(dir, `${params.version}.part`);
    fs.mkdirSync(stagedDir, { recursive: true });

    const staged = (await settingsStore.get<StagedFirmware>(STAGED_FIRMWARE_KEY))?.value;
    if (!install.root && staged && staged.version === params.version && staged.sha256 === params.sha256 && fs.existsSync(stagedPath)) {
      return { ...staged, alreadyStaged: true, installed: false, softwareVersion: packageVersion() ?? null };
    }

    const url = `${config.factory.url.replace(/\/+$/, '')}${params.artifactPath}`;
    const download = await downloadWithResume({
      url,
      token: config.factory.deviceToken,
      partPath,
      expectedSize: params.size,
      signal,
      onAttempt: (from, attempt) => progress('downloading', { from, size: params.size, attempt }),
    });

    progress('verifying', { bytes: download.bytes });
    const size = fs.statSync(partPath).size;
    const sha256 = await sha256File(partPath);
    if (size !== params.size || sha256 !== params.sha256) {
      fs.rmSync(partPath, { force: true });
      const what = size !== params.size ? `size ${size} bytes, expected ${params.size}` : `sha256 ${sha256}, expected ${params.sha256}`;
      logger.error({ commandId, version: params.version, size, sha256 }, `firmware artifact failed verification: deleted`);
      throw new CommandFailure('VERIFY_FAILED', `the downloaded artifact failed verification (${what}); it was deleted and nothing was staged`);
    }

    if (install.root) return installAndRestart(deps, params, partPath, { progress, logger, commandId, signal });

    progress('staging', { path: stagedPath });
    fs.renameSync(partPath, stagedPath);
    const record: StagedFirmware = {
      version: params.version,
      releaseId: params.releaseId,
      sha256,
      size,
      path: stagedPath,
      stagedAt: new Date().toISOString(),
      deploymentId: params.deploymentId ?? null,
    };
    await settingsStore.set(STAGED_FIRMWARE_KEY, record);
    logger.warn({ commandId, version: params.version, resumes: download.resumes }, `firmware ${params.version} staged`);
    // Staged only (no install root): the factory does not count this as installed.
    return { ...record, resumes: download.resumes, alreadyStaged: false, installed: false, softwareVersion: packageVersion() ?? null };
  };
  handler.resume = async (commandId, signal) => {
    const root = deps.system.config.firmware.install.root;
    return root ? installOutcome(root, commandId, packageVersion(), signal) : null;
  };
  return handler;
};

/** Throws VERIFY_FAILED unless the release is signed by a trusted key (or unsigned releases are allowed and no key is configured). */
function checkSignature(
  settings: { trustedKeys: Array<{ id: string; publicKey: string }>; allowUnsigned: boolean },
  params: { version: string; sha256: string; size: number; signature?: string | undefined; signatureKeyId?: string | undefined },
  logger: { warn(o: object, m: string): void; error(o: object, m: string): void },
  commandId: string,
): void {
  const refuse = (why: string) => {
    logger.error({ commandId, version: params.version, keyId: params.signatureKeyId ?? null }, `firmware refused: ${why}`);
    throw new CommandFailure('VERIFY_FAILED', `firmware ${params.version} ${why}; nothing was downloaded or staged`);
  };
  if (settings.trustedKeys.length === 0) {
    if (!settings.allowUnsigned) refuse('cannot be verified: this edge trusts no firmware signing key (firmware.trustedKeys)');
    logger.warn({ commandId, version: params.version }, 'firmware signature not checked: no trusted key and firmware.allowUnsigned is set');
    return;
  }
  if (!params.signature || !params.signatureKeyId) return refuse('is not signed');
  const trusted = settings.trustedKeys.find((key) => key.id === params.signatureKeyId);
  if (!trusted) return refuse(`is signed by key ${params.signatureKeyId}, which this edge does not trust`);
  if (!verifyFirmware(parsePublicKey(trusted.publicKey), params, params.signature)) refuse(`has a signature that does not verify with key ${trusted.id}`);
}

/**
 * With an install root: wait for the window and a quiet line, unpack and switch `current`, then
 * ask main.ts to end the process; the answer comes from the next start (confirmed or rolled back).
 */
async function installAndRestart(
  deps: CommandDeps,
  params: Parameters<CommandHandler<'update_firmware'>>[0],
  partPath: string,
  { progress, logger, commandId, signal }: Pick<Parameters<CommandHandler<'update_firmware'>>[1], 'progress' | 'logger' | 'commandId' | 'signal'>,
): Promise<never> {
  const install = deps.system.config.firmware.install;
    if (params.maintenanceWindow) await waitForWindow(params.maintenanceWindow, signal, progress);
    if ((params.installMode ?? 'soft') === 'soft') await waitForQuietLine(() => lineActivity(deps.system.root?.system.get(SCAN_LINE)), signal, progress);
    if (install.restart === 'command' && !install.restartCommand) {
      fs.rmSync(partPath, { force: true });
      throw new CommandFailure('NOT_CONFIGURED', 'firmware.install.restart is "command" but firmware.install.restartCommand is not set: nothing was installed');
    }
    await installRelease({
      root: install.root!,
      artifact: partPath,
      version: params.version,
      commandId,
      deploymentId: params.deploymentId ?? null,
      confirmTimeoutMs: params.confirmTimeoutMs ?? install.confirmTimeoutMs,
      keepReleases: install.keepReleases,
      progress,
    });
    logger.warn({ commandId, version: params.version }, `firmware ${params.version} installed: restarting into it`);
    deps.system.bus.publish({ type: 'edge.restartRequested', reason: `firmware ${params.version} installed` });
    // The answer comes from the next start (resume below): confirmed, or rolled back.
    throw new CommandContinuesAfterRestart(`restarting into ${params.version}`);
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type InstallRecord, installRecordSchema, nodeSatisfies, type ReleaseManifest, releaseManifestSchema } from '../../src/domain/firmware-install.js';

const run = promisify(execFile);

/**
 * The files of an A/B install root (see src/domain/firmware-install.ts for the layout). Every
 * change is made so that a power cut at any moment leaves either the old or the new state: a
 * release is unpacked into a temp directory and renamed into place, the `current` link and
 * install.json are replaced by renaming a temp file over them.
 */
export class InstallError extends Error {
  constructor(
    readonly code: 'INSTALL_FAILED' | 'INCOMPATIBLE',
    message: string,
  ) {
    super(message);
  }
}

export const releasesDir = (root: string) => path.join(root, 'releases');
export const releaseDir = (root: string, version: string) => path.join(releasesDir(root), version);
const currentLink = (root: string) => path.join(root, 'current');
const recordFile = (root: string) => path.join(root, 'install.json');
const tempName = (file: string) => `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;

/** The version `current` names, or null when nothing is installed yet. */
export function currentVersion(root: string): string | null {
  try {
    return path.basename(fs.readlinkSync(currentLink(root)));
  } catch {
    return null;
  }
}

export function readManifest(dir: string): ReleaseManifest {
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InstallError('INSTALL_FAILED', `the release has no readable manifest.json (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = releaseManifestSchema.safeParse(raw);
  if (!parsed.success) throw new InstallError('INSTALL_FAILED', `the release's manifest.json is invalid: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/**
 * Unpacks a verified artifact (tar.gz) into releases/<version>. The manifest must name this very
 * version and a Node range this Node satisfies, and its entry must exist; else nothing is left
 * behind. Unpacking the running version again is refused (its files are in use).
 */
export async function unpackRelease(root: string, artifact: string, version: string, nodeVersion = process.versions.node): Promise<ReleaseManifest> {
  if (currentVersion(root) === version) throw new InstallError('INSTALL_FAILED', `version ${version} is the one running: nothing to install`);
  fs.mkdirSync(releasesDir(root), { recursive: true });
  const temp = tempName(path.join(releasesDir(root), `.unpack-${version}`));
  fs.mkdirSync(temp);
  try {
    await run('tar', ['-xzf', artifact, '-C', temp, '--no-same-owner']).catch((error: { stderr?: string; message: string }) => {
      throw new InstallError('INSTALL_FAILED', `the artifact could not be unpacked: ${(error.stderr || error.message).trim().slice(0, 300)}`);
    });
    const manifest = readManifest(temp);
    if (manifest.version !== version) throw new InstallError('INSTALL_FAILED', `the artifact's manifest says version ${manifest.version}, the release ${version}`);
    if (!nodeSatisfies(manifest.node, nodeVersion)) throw new InstallError('INCOMPATIBLE', `version ${version} needs Node ${manifest.node}; this cabinet runs ${nodeVersion}`);
    const entry = path.resolve(temp, manifest.entry);
    if (!entry.startsWith(temp + path.sep) || !fs.existsSync(entry)) throw new InstallError('INSTALL_FAILED', `the release's entry ${manifest.entry} is missing`);
    const target = releaseDir(root, version);
    fs.rmSync(target, { recursive: true, force: true }); // an earlier, unfinished or rolled-back copy
    fs.renameSync(temp, target);
    return manifest;
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Points `current` at releases/<version>: a temp link renamed over the old one (atomic on POSIX). */
export function switchCurrent(root: string, version: string): void {
  if (!fs.existsSync(releaseDir(root, version))) throw new InstallError('INSTALL_FAILED', `release ${version} is not on disk`);
  const temp = tempName(currentLink(root));
  fs.symlinkSync(path.join('releases', version), temp);
  fs.renameSync(temp, currentLink(root));
}

export function readInstallRecord(root: string): InstallRecord | null {
  try {
    return installRecordSchema.parse(JSON.parse(fs.readFileSync(recordFile(root), 'utf8')));
  } catch {
    return null;
  }
}

export function writeInstallRecord(root: string, record: InstallRecord): void {
  const temp = tempName(recordFile(root));
  fs.writeFileSync(temp, JSON.stringify(record, null, 2) + '\n', { mode: 0o644 });
  fs.renameSync(temp, recordFile(root));
}

/** Version strings in a sensible order (numeric parts as numbers): 1.10.0 after 1.9.0. */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * Keeps the newest `keep` releases (at least 2) and always the running one and the previous one
 * (`protect`), whatever their age: the previous is what a rollback starts. Returns what it deleted.
 */
export function pruneReleases(root: string, keep: number, protect: Array<string | null>): string[] {
  let versions: string[];
  try {
    versions = fs.readdirSync(releasesDir(root), { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch {
    return [];
  }
  const kept = new Set([currentVersion(root), ...protect].filter((v): v is string => v !== null));
  const newestFirst = versions.sort(compareVersions).reverse();
  for (const version of newestFirst) {
    if (kept.size >= Math.max(2, keep)) break;
    kept.add(version);
  }
  const deleted = versions.filter((v) => !kept.has(v));
  for (const version of deleted) fs.rmSync(releaseDir(root, version), { recursive: true, force: true });
  return deleted;
}

import type { MaintenanceWindow } from '../../../src/domain/maintenance-window.js';
import type { Knex } from 'knex';
import type { DeploymentDevice, DeploymentStatus, DeviceRolloutState } from '../../../src/domain/deployment-states.js';

/**
 * Firmware releases, deployments and their per-device progress, on SQLite and PostgreSQL. Writes
 * take the transaction of the change (so the audit entry goes with it); reads take the database.
 */

export interface FirmwareRelease {
  id: string;
  version: string;
  filename: string;
  size: number;
  sha256: string;
  /** Ed25519 signature (base64) of the release manifest; null for a release from before signing. */
  signature: string | null;
  signatureKeyId: string | null;
  /** factory: signed with the factory's own key at upload; vendor: the signature came with the artifact. */
  signedBy: 'factory' | 'vendor' | null;
  createdBy: string | null;
  createdAt: string;
}

export interface DeploymentDeviceRecord extends DeploymentDevice {
  deviceId: string;
  commandId: string | null;
}

export interface FirmwareDeployment {
  id: string;
  releaseId: string;
  status: DeploymentStatus;
  abortThresholdPercent: number;
  abortMinDevices: number;
  deviceTimeoutMs: number;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  reason: string | null;
  /** The user who aborted it by hand (null otherwise). */
  abortedBy: string | null;
  /** How long a device's new version has to confirm before its edge rolls it back; null: the edge's setting. */
  confirmTimeoutMs: number | null;
  /** Installs happen only inside this window (site time zone); null: any time. */
  maintenanceWindow: MaintenanceWindow | null;
  /** soft: edges wait for a quiet line before installing; forced: they do not. */
  installMode: 'soft' | 'forced';
}

export interface FirmwareDeploymentWithDevices extends FirmwareDeployment {
  devices: DeploymentDeviceRecord[];
}

type Db = Knex | Knex.Transaction;
type Row = Record<string, unknown>;

const toRelease = (r: Row): FirmwareRelease => ({
  id: String(r.id),
  version: String(r.version),
  filename: String(r.filename),
  size: Number(r.size),
  sha256: String(r.sha256),
  signature: (r.signature as string | null) ?? null,
  signatureKeyId: (r.signature_key_id as string | null) ?? null,
  signedBy: (r.signed_by as 'factory' | 'vendor' | null) ?? null,
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: String(r.created_at),
});

const toDeployment = (r: Row): FirmwareDeployment => ({
  id: String(r.id),
  releaseId: String(r.release_id),
  status: r.status as DeploymentStatus,
  abortThresholdPercent: Number(r.abort_threshold_percent),
  abortMinDevices: Number(r.abort_min_devices),
  deviceTimeoutMs: Number(r.device_timeout_ms),
  createdBy: (r.created_by as string | null) ?? null,
  createdAt: String(r.created_at),
  finishedAt: (r.finished_at as string | null) ?? null,
  reason: (r.reason as string | null) ?? null,
  abortedBy: (r.aborted_by as string | null) ?? null,
  confirmTimeoutMs: r.confirm_timeout_ms === null || r.confirm_timeout_ms === undefined ? null : Number(r.confirm_timeout_ms),
  maintenanceWindow: typeof r.maintenance_window === 'string' ? (JSON.parse(r.maintenance_window) as MaintenanceWindow) : null,
  installMode: r.install_mode === 'forced' ? 'forced' : 'soft',
});

const toDevice = (r: Row): DeploymentDeviceRecord => ({
  deviceId: String(r.device_id),
  state: r.state as DeviceRolloutState,
  commandId: (r.command_id as string | null) ?? null,
  updatedAt: String(r.updated_at),
  error: (r.error as string | null) ?? null,
});

export async function insertRelease(db: Db, release: FirmwareRelease): Promise<void> {
  await db('firmware_releases').insert({
    id: release.id,
    version: release.version,
    filename: release.filename,
    size: release.size,
    sha256: release.sha256,
    signature: release.signature,
    signature_key_id: release.signatureKeyId,
    signed_by: release.signedBy,
    created_by: release.createdBy,
    created_at: release.createdAt,
  });
}

export async function getRelease(db: Db, id: string): Promise<FirmwareRelease | null> {
  const row = (await db('firmware_releases').where({ id }).first()) as Row | undefined;
  return row ? toRelease(row) : null;
}

export async function releaseVersionExists(db: Db, version: string): Promise<boolean> {
  return (await db('firmware_releases').where({ version }).first('id')) !== undefined;
}

/** Newest first. */
export async function listReleases(db: Db): Promise<FirmwareRelease[]> {
  return ((await db('firmware_releases').orderBy('created_at', 'desc').orderBy('id', 'desc')) as Row[]).map(toRelease);
}

export async function deleteRelease(db: Db, id: string): Promise<void> {
  await db('firmware_releases').where({ id }).delete();
}

/** Ids of the deployments of this release that have not finished. */
export async function unfinishedDeploymentsOf(db: Db, releaseId: string): Promise<string[]> {
  return (await db('firmware_deployments').where({ release_id: releaseId }).whereNull('finished_at').pluck('id')) as string[];
}

export async function insertDeployment(db: Db, deployment: FirmwareDeployment, devices: DeploymentDeviceRecord[]): Promise<void> {
  await db('firmware_deployments').insert({
    id: deployment.id,
    release_id: deployment.releaseId,
    status: deployment.status,
    abort_threshold_percent: deployment.abortThresholdPercent,
    abort_min_devices: deployment.abortMinDevices,
    device_timeout_ms: deployment.deviceTimeoutMs,
    created_by: deployment.createdBy,
    created_at: deployment.createdAt,
    finished_at: deployment.finishedAt,
    reason: deployment.reason,
    aborted_by: deployment.abortedBy,
    confirm_timeout_ms: deployment.confirmTimeoutMs,
    maintenance_window: deployment.maintenanceWindow ? JSON.stringify(deployment.maintenanceWindow) : null,
    install_mode: deployment.installMode,
  });
  // Chunked: SQLite caps the variables of one statement.
  const rows = devices.map((d) => ({ deployment_id: deployment.id, device_id: d.deviceId, state: d.state, command_id: d.commandId, updated_at: d.updatedAt, error: d.error }));
  for (let i = 0; i < rows.length; i += 100) await db('firmware_deployment_devices').insert(rows.slice(i, i + 100));
}

export async function getDeployment(db: Db, id: string): Promise<FirmwareDeploymentWithDevices | null> {
  const row = (await db('firmware_deployments').where({ id }).first()) as Row | undefined;
  if (!row) return null;
  const devices = ((await db('firmware_deployment_devices').where({ deployment_id: id }).orderBy('device_id')) as Row[]).map(toDevice);
  return { ...toDeployment(row), devices };
}

/** Newest first, optionally of one release and/or including one device. */
export async function listDeployments(db: Db, filter: { releaseId?: string; deviceId?: string; limit: number }): Promise<FirmwareDeployment[]> {
  let query = db('firmware_deployments').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit);
  if (filter.releaseId) query = query.where({ release_id: filter.releaseId });
  if (filter.deviceId) {
    query = query.whereIn('id', db('firmware_deployment_devices').where({ device_id: filter.deviceId }).select('deployment_id'));
  }
  return ((await query) as Row[]).map(toDeployment);
}

/** Per-deployment counts of device states, for list views. */
export async function deviceStateCounts(db: Db, deploymentIds: string[]): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  if (deploymentIds.length === 0) return counts;
  const rows = (await db('firmware_deployment_devices')
    .whereIn('deployment_id', deploymentIds)
    .groupBy('deployment_id', 'state')
    .select('deployment_id', 'state')
    .count({ n: '*' })) as Array<{ deployment_id: string; state: string; n: number | string }>;
  for (const row of rows) {
    const entry = counts.get(row.deployment_id) ?? {};
    entry[row.state] = Number(row.n);
    counts.set(row.deployment_id, entry);
  }
  return counts;
}

export async function updateDeploymentDevice(db: Db, deploymentId: string, deviceId: string, device: DeploymentDevice): Promise<void> {
  await db('firmware_deployment_devices').where({ deployment_id: deploymentId, device_id: deviceId }).update({ state: device.state, error: device.error, updated_at: device.updatedAt });
}

export async function setDeploymentCommand(db: Db, deploymentId: string, deviceId: string, commandId: string): Promise<void> {
  await db('firmware_deployment_devices').where({ deployment_id: deploymentId, device_id: deviceId }).update({ command_id: commandId });
}

export async function finishDeployment(
  db: Db,
  id: string,
  change: { status: DeploymentStatus; finishedAt: string | null; reason: string | null; abortedBy: string | null },
): Promise<void> {
  await db('firmware_deployments').where({ id }).update({ status: change.status, finished_at: change.finishedAt, reason: change.reason, aborted_by: change.abortedBy });
}

/**
 * Deployments the server must still follow after a restart: unfinished ones, and finished
 * (aborted) ones with devices still at work or skipped while their command may yet run.
 */
export async function liveDeploymentIds(db: Db): Promise<string[]> {
  const unfinished = (await db('firmware_deployments').whereNull('finished_at').pluck('id')) as string[];
  const busy = (await db('firmware_deployment_devices').whereIn('state', ['queued', 'downloading', 'verifying', 'skipped']).distinct('deployment_id')) as Array<{ deployment_id: string }>;
  return [...new Set([...unfinished, ...busy.map((r) => r.deployment_id)])];
}

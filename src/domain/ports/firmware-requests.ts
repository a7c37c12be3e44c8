import type { Readable } from 'node:stream';
import type { AuditActor } from '../audit-actor.js';
import type { MaintenanceWindow } from '../maintenance-window.js';

/** A firmware rollout to start (src/factory/firmware/deployment-service.ts; POST /api/v1/firmware/deployments). */
export interface CreateDeploymentRequest {
  releaseId: string;
  deviceIds?: string[];
  groupId?: string;
  abortThresholdPercent?: number;
  abortMinDevices?: number;
  deviceTimeoutMs?: number;
  confirmTimeoutMs?: number;
  maintenanceWindow?: MaintenanceWindow;
  installMode?: 'soft' | 'forced';
  actor: AuditActor;
}

export interface AbortDeploymentRequest {
  actor: AuditActor;
  /** Why, in the operator's words; recorded as the deployment's reason. */
  reason?: string;
}

/** A firmware artifact to store as a release (src/factory/firmware/release-service.ts; POST /api/v1/firmware/releases). */
export interface UploadRequest {
  version: string;
  filename: string;
  /** Content-Length when the client declared one (refused at once when over the cap). */
  declaredLength: number | null;
  body: Readable;
  actor: AuditActor;
  /** A vendor's signature (base64) of the release manifest and its key id, uploaded with the artifact; kept as given (edges verify it). */
  vendorSignature?: { signature: string; keyId: string };
}

import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { type AuditActor, audited, recordAudit } from '../../../adapters/store/factory/audit-log.js';
import { isUniqueViolation } from '../../../adapters/store/factory/factory-database.js';
import {
  deleteRelease,
  type FirmwareRelease,
  getRelease,
  insertRelease,
  listReleases,
  releaseVersionExists,
  unfinishedDeploymentsOf,
} from '../../../adapters/store/factory/firmware-store.js';
import { type SigningKey, signFirmware } from '../../auth/firmware-signature.js';
import { DomainError } from '../../domain/domain-error.js';
import { nextId } from '../../domain/ids.js';
import type { UploadRequest } from '../../domain/ports/firmware-requests.js';
import { ArtifactTooLargeError, receiveArtifact } from '../../../adapters/firmware/artifact-receiver.js';

export interface ReleaseServiceOptions {
  db: Knex;
  /** <dataDir>/firmware: artifacts as <releaseId>.bin, uploads in progress as .upload-*.part. */
  directory: string;
  maxBytes: number;
  /** The factory's Ed25519 key: signs every release uploaded without a vendor signature. */
  signingKey: SigningKey;
}

export type { UploadRequest };

/** Refused because of its size; the route answers 413. */
export { ArtifactTooLargeError };

/**
 * Firmware releases: an artifact on disk plus its row. The upload streams to a temp file (never
 * inside a transaction: SQLite has one writer and a big upload takes a while), then the file is
 * renamed into place and the row and its audit entry are written in one transaction. A version
 * that already exists is refused before a byte is read; the unique index settles two uploads of
 * one version racing each other.
 */
export function createReleaseService(options: ReleaseServiceOptions) {
  const { db, directory, maxBytes, signingKey } = options;
  const artifactPath = (id: string) => path.join(directory, `${id}.bin`);
  const what = (actor: AuditActor, entityId: string | null = null) => ({ actor, action: 'firmware.release.upload', entityType: 'firmware_release', entityId });

  const refuse = async (actor: AuditActor, error: DomainError): Promise<never> => {
    await recordAudit(db, { ...what(actor), outcome: 'failure', detail: `${error.kind}: ${error.message}` });
    throw error;
  };

  return {
    artifactPath,
    maxBytes,
    /** The public half, for GET /api/v1/firmware/signing-key. */
    signingKey: { id: signingKey.id, algorithm: 'Ed25519' as const, publicKeyPem: signingKey.publicKeyPem, publicKeyBase64: signingKey.publicKeyBase64 },

    /** Removes what an interrupted upload left behind (a crash mid-upload). */
    async start(): Promise<void> {
      await fs.promises.mkdir(directory, { recursive: true });
      for (const name of await fs.promises.readdir(directory)) {
        if (name.startsWith('.upload-')) await fs.promises.rm(path.join(directory, name), { force: true });
      }
    },

    async upload(request: UploadRequest): Promise<FirmwareRelease> {
      const { version, filename, actor } = request;
      if (await releaseVersionExists(db, version)) await refuse(actor, new DomainError('CONFLICT', `Firmware version ${version} already exists`, { version }));
      if (request.declaredLength !== null && request.declaredLength > maxBytes) {
        await recordAudit(db, { ...what(actor), outcome: 'failure', detail: `PAYLOAD_TOO_LARGE: declared ${request.declaredLength} bytes, limit ${maxBytes}` });
        throw new ArtifactTooLargeError(maxBytes);
      }
      const id = nextId('fw-');
      const temp = path.join(directory, `.upload-${id}.part`);
      let received;
      try {
        received = await receiveArtifact(request.body, temp, maxBytes);
      } catch (error) {
        const detail = error instanceof ArtifactTooLargeError ? `PAYLOAD_TOO_LARGE: over ${maxBytes} bytes` : `upload failed: ${(error as Error).message}`;
        await recordAudit(db, { ...what(actor), outcome: 'failure', detail });
        throw error;
      }
      const signed = { version, sha256: received.sha256, size: received.size };
      const signature = request.vendorSignature
        ? { signature: request.vendorSignature.signature, signatureKeyId: request.vendorSignature.keyId, signedBy: 'vendor' as const }
        : { signature: signFirmware(signingKey.privateKey, signed), signatureKeyId: signingKey.id, signedBy: 'factory' as const };
      const release: FirmwareRelease = {
        id,
        version,
        filename,
        size: received.size,
        sha256: received.sha256,
        ...signature,
        createdBy: 'userId' in actor ? actor.username : null,
        createdAt: new Date().toISOString(),
      };
      const final = artifactPath(id);
      await fs.promises.rename(temp, final);
      try {
        return await audited(db, what(actor, id), async (trx) => {
          try {
            await insertRelease(trx, release);
          } catch (error) {
            if (isUniqueViolation(error)) throw new DomainError('CONFLICT', `Firmware version ${version} already exists`, { version });
            throw error;
          }
          return { result: release, after: release };
        });
      } catch (error) {
        await fs.promises.rm(final, { force: true });
        throw error;
      }
    },

    list: () => listReleases(db),
    get: (id: string) => getRelease(db, id),

    /** Refused (CONFLICT) while a deployment that has not finished uses it. Row first, then the file. */
    async remove(id: string, actor: AuditActor): Promise<FirmwareRelease> {
      const removed = await audited(db, { actor, action: 'firmware.release.delete', entityType: 'firmware_release', entityId: id }, async (trx) => {
        const release = await getRelease(trx, id);
        if (!release) throw new DomainError('NOT_FOUND', `Firmware release ${id} not found`);
        const using = await unfinishedDeploymentsOf(trx, id);
        if (using.length > 0) throw new DomainError('CONFLICT', `Firmware release ${id} is used by a deployment that has not finished`, { deployments: using });
        await deleteRelease(trx, id);
        return { result: release, before: release };
      });
      await fs.promises.rm(artifactPath(id), { force: true });
      return removed;
    },
  };
}

export type ReleaseService = ReturnType<typeof createReleaseService>;

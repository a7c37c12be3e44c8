import fs from 'node:fs';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { FirmwareRelease } from '../../adapters/store/factory/firmware-store.js';
import { ArtifactIncompleteError, ArtifactTooLargeError } from '../../adapters/firmware/artifact-receiver.js';
import type { DevicePrincipal, DeviceTokenIssuer } from '../../src/auth/device-token-issuer.js';
import type { AuditActor } from '../../src/domain/audit-actor.js';
import type { UploadRequest } from '../../src/domain/ports/firmware-requests.js';
import { requireRole, type TokenIssuer } from '../http/auth.js';
import { parseByteRange } from '../http/byte-range.js';
import { requireDeviceOrUser } from '../http/device-or-user-auth.js';
import { errorBody, ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseParams, parseQuery } from '../http/validate.js';
import { actorOf } from './audit-actor.js';
import { attachmentDisposition } from '../http/content-disposition.js';

export const uploadQuery = z
  .object({
    version: z.string().min(1).max(64).regex(/^[0-9A-Za-z][0-9A-Za-z._+-]*$/, 'letters, digits and . _ + - (e.g. 2.4.1)'),
    filename: z.string().min(1).max(255).regex(/^[^/\\\u0000-\u001f"]+$/, 'a file name without path separators, quotes or control characters'),
    /** A vendor's Ed25519 signature of the release manifest (base64), with `keyId`; without it the factory signs with its own key. */
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of a 64-byte Ed25519 signature').optional(),
    keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (1-64)').optional(),
  })
  .strict()
  .refine((q) => (q.signature === undefined) === (q.keyId === undefined), { message: 'give signature and keyId together', path: ['keyId'] });
export const releaseParams = z.object({ id: z.string().min(1).max(100) }).strict();

export const releaseView = (release: FirmwareRelease) => ({ ...release, artifactPath: `/api/v1/firmware/releases/${release.id}/artifact` });


/** The raw body must reach us unread: JSON (or any other parsed type) is refused, not stored. */
function checkRawBody(ctx: Context): number | null {
  const type = ctx.request.type;
  if (type !== '' && type !== 'application/octet-stream') {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Upload the artifact as the raw body with Content-Type: application/octet-stream');
  }
  const encoding = (ctx.get('content-encoding') || 'identity').toLowerCase();
  if (encoding !== 'identity') throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Content-Encoding is not supported for artifacts: send the bytes as they are');
  const declared = ctx.get('content-length');
  return declared === '' ? null : Number(declared);
}

/** What the release routes need from the factory (src/factory/extension.ts gives it). */
export interface ReleaseRoutesContext {
  tokens: TokenIssuer;
  deviceTokens: DeviceTokenIssuer;
  registry: { isCurrent(device: DevicePrincipal): boolean };
}

/** What the release routes need from the firmware feature (src/factory/firmware/release-service.ts). */
export interface ReleaseRoutesService {
  upload(request: UploadRequest): Promise<FirmwareRelease>;
  list(): Promise<FirmwareRelease[]>;
  get(id: string): Promise<FirmwareRelease | null>;
  remove(id: string, actor: AuditActor): Promise<FirmwareRelease>;
  artifactPath(id: string): string;
  signingKey: object;
}

/**
 * `/api/v1/firmware/releases`: upload (ADMIN, raw body streamed to disk), list and read
 * (OPERATOR), delete (ADMIN), and the artifact download (a device token or a user token) with
 * ETag and single byte ranges, so an interrupted download resumes where it stopped.
 */
export function firmwareReleaseRoutes(context: ReleaseRoutesContext, releases: ReleaseRoutesService): Router {
  const router = new Router({ prefix: '/api/v1/firmware/releases' });
  const operator = requireRole(context.tokens, 'OPERATOR');
  const admin = requireRole(context.tokens, 'ADMIN');
  const deviceOrUser = requireDeviceOrUser(context.tokens, context.deviceTokens, context.registry.isCurrent);

  router.post('/', admin, async (ctx) => {
    const { version, filename, signature, keyId } = parseQuery(ctx, uploadQuery);
    const declaredLength = checkRawBody(ctx);
    try {
      const vendorSignature = signature !== undefined && keyId !== undefined ? { vendorSignature: { signature, keyId } } : {};
      const release = await releases.upload({ version, filename, declaredLength, body: ctx.req, actor: actorOf(ctx), ...vendorSignature });
      ok(ctx, releaseView(release), 201);
    } catch (error) {
      if (error instanceof ArtifactTooLargeError) {
        // The rest of the body is not read: close the connection once the answer is out.
        ctx.set('Connection', 'close');
        throw new ApiError('PAYLOAD_TOO_LARGE', `The artifact is larger than the limit of ${error.maxBytes} bytes`, { maxBytes: error.maxBytes });
      }
      if (error instanceof ArtifactIncompleteError) throw new ApiError('VALIDATION_ERROR', error.message);
      throw error;
    }
  });

  router.get('/', operator, async (ctx) => ok(ctx, (await releases.list()).map(releaseView)));

  router.get('/:id', operator, async (ctx) => {
    const { id } = parseParams(ctx, releaseParams);
    const release = await releases.get(id);
    if (!release) throw new ApiError('NOT_FOUND', `Firmware release ${id} not found`);
    ok(ctx, releaseView(release));
  });

  router.delete('/:id', admin, async (ctx) => {
    const { id } = parseParams(ctx, releaseParams);
    ok(ctx, releaseView(await releases.remove(id, actorOf(ctx))));
  });

  router.get('/:id/artifact', deviceOrUser, async (ctx) => {
    const { id } = parseParams(ctx, releaseParams);
    const release = await releases.get(id);
    if (!release) throw new ApiError('NOT_FOUND', `Firmware release ${id} not found`);
    const file = releases.artifactPath(id);
    const etag = `"${release.sha256}"`;
    const lastModified = new Date(release.createdAt).toUTCString();
    ctx.set('ETag', etag);
    ctx.set('Last-Modified', lastModified);
    ctx.set('Accept-Ranges', 'bytes');
    ctx.set('Cache-Control', 'private, no-transform');
    ctx.set('Content-Disposition', attachmentDisposition(release.filename));
    const noneMatch = ctx.get('if-none-match');
    if (noneMatch && noneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      ctx.status = 304;
      return;
    }
    // If-Range: the range only stands for the same bytes (strong ETag, or the exact date we sent).
    const ifRange = ctx.get('if-range');
    const rangeHolds = !ifRange || ifRange === etag || ifRange === lastModified;
    const range = rangeHolds ? parseByteRange(ctx.get('range') || undefined, release.size) : ({ kind: 'full' } as const);
    if (range.kind === 'unsatisfiable') {
      ctx.set('Content-Range', `bytes */${release.size}`);
      ctx.status = 416;
      ctx.body = errorBody('RANGE_NOT_SATISFIABLE', `The range asks for bytes past the end of the ${release.size}-byte artifact`, { size: release.size });
      return;
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : release.size - 1;
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch {
      throw new ApiError('NOT_FOUND', `The artifact of firmware release ${id} is missing on the server`);
    }
    ctx.type = 'application/octet-stream';
    if (range.kind === 'partial') {
      ctx.status = 206;
      ctx.set('Content-Range', `bytes ${start}-${end}/${release.size}`);
    } else {
      ctx.status = 200;
    }
    if (release.size === 0 || ctx.method === 'HEAD') {
      ctx.length = release.size === 0 ? 0 : end - start + 1;
      await handle.close();
      if (release.size === 0) ctx.body = Buffer.alloc(0);
      return;
    }
    // Streamed from disk; the open handle keeps the bytes readable even if the release is deleted meanwhile.
    ctx.body = handle.createReadStream({ start, end, autoClose: true });
    ctx.length = end - start + 1;
  });

  return router;
}

/**
 * `GET /api/v1/firmware/signing-key` (MANAGER and ADMIN): the public half of the key the factory
 * signs releases with (id, PEM, raw base64), what an integrator puts in each edge's
 * `firmware.trustedKeys`.
 */
export function firmwareSigningKeyRoutes(context: { tokens: TokenIssuer }, releases: Pick<ReleaseRoutesService, 'signingKey'>): Router {
  const router = new Router();
  router.get('/api/v1/firmware/signing-key', requireRole(context.tokens, 'MANAGER'), (ctx) => ok(ctx, releases.signingKey));
  return router;
}

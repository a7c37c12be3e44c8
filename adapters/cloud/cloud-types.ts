import { z } from 'zod';
import type { ActivatedDevice as ActivatedDevicePort, CloudDevice as CloudDevicePort } from '../../src/domain/ports/provisioning-record.js';

/**
 * The OKTO Cloud wire contract as the edge sees it. The schemas check what comes back from the
 * cloud (a real endpoint can replace the simulator, so its answers are not trusted blindly); the
 * simulator builds its responses from the same types so the two cannot drift apart.
 */

export const cloudUserSchema = z.object({ id: z.string(), email: z.string(), companyId: z.string() });
export type CloudUser = z.infer<typeof cloudUserSchema>;

export const signInResponseSchema = z.object({ token: z.string().min(1), user: cloudUserSchema });
export type SignInResponse = z.infer<typeof signInResponseSchema>;

export const cloudDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  companyId: z.string(),
  companyName: z.string(),
  seqNumber: z.string(),
  deviceMode: z.string(),
  activated: z.boolean(),
}) satisfies z.ZodType<CloudDevicePort>;
export type CloudDevice = z.infer<typeof cloudDeviceSchema>;

export const activatedDeviceSchema = z.object({
  deviceId: z.string(),
  /** `edge-<seqNumber>_<unix seconds of the first activation>`, e.g. edge-001_1704067200. */
  deviceIdentifier: z.string(),
  companyId: z.string(),
  companyName: z.string(),
  deviceName: z.string(),
  seqNumber: z.string(),
  industry: z.string(),
}) satisfies z.ZodType<ActivatedDevicePort>;
export type ActivatedDevice = z.infer<typeof activatedDeviceSchema>;

export const activateResponseSchema = z.object({ deviceToken: z.string().min(1), device: activatedDeviceSchema });
export type ActivateResponse = z.infer<typeof activateResponseSchema>;

export const cloudLineSchema = z.object({
  id: z.string(),
  name: z.string(),
  identifier: z.string(),
  companyId: z.string(),
  productId: z.string(),
  party: z.string(),
});
export type CloudLine = z.infer<typeof cloudLineSchema>;

/** Identification codes the company ordered for one product (GTIN), and how many were reported back. */
export const cloudCodeSchema = z.object({
  gtin: z.string(),
  productId: z.string(),
  name: z.string(),
  /** Codes issued to the company for this GTIN. */
  issued: z.number(),
  /** Unique codes of this GTIN reported through sync so far. */
  reported: z.number(),
});
export type CloudCode = z.infer<typeof cloudCodeSchema>;

export const cloudCompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  industry: z.string(),
  timeZone: z.string(),
});
export type CloudCompany = z.infer<typeof cloudCompanySchema>;

/** One outbox row on the wire. `id` is the idempotency key: the cloud stores an id at most once. */
export interface SyncItem {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
}

/**
 * accepted: stored now. duplicate: the id was stored before (an acknowledgement, not an error).
 * rejected: never stored; `reason` says why and resending the same item will not help.
 */
export type SyncItemStatus = 'accepted' | 'duplicate' | 'rejected';

export const syncItemResultSchema = z.object({
  id: z.string(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  reason: z.string().optional(),
});
export type SyncItemResult = z.infer<typeof syncItemResultSchema>;

export const syncResponseSchema = z.object({ results: z.array(syncItemResultSchema) });

/** Upper bound of items per sync request, shared by the simulator and the client. */
export const MAX_SYNC_ITEMS = 10_000;

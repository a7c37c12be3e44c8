import { z } from 'zod';
import { CONNECTION_MODES } from '../../src/domain/connection-mode.js';

/** Request shapes of the factory API, one place so routes and tests agree. */

export const deviceId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64 characters)');

export const deviceParams = z.object({ id: deviceId });

const deviceFields = {
  name: z.string().trim().min(1).max(200),
  lineId: z.string().trim().min(1).max(64).nullable(),
  connectionMode: z.enum(CONNECTION_MODES).nullable(),
  description: z.string().max(1000).nullable(),
};

export const createDeviceBody = z
  .object({ id: deviceId, name: deviceFields.name, lineId: deviceFields.lineId.optional(), connectionMode: deviceFields.connectionMode.optional(), description: deviceFields.description.optional() })
  .strict();

export const updateDeviceBody = z
  .object({ name: deviceFields.name.optional(), lineId: deviceFields.lineId.optional(), connectionMode: deviceFields.connectionMode.optional(), description: deviceFields.description.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'at least one field to change');

export const connectionSettingsPatch = z
  .object({ defaultMode: z.enum(CONNECTION_MODES).optional(), allowDeviceOverride: z.boolean().optional(), cloudSyncEnabled: z.boolean().optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'at least one setting to change');

import { z } from 'zod';
import { ROLES } from '../../../src/domain/roles.js';

/**
 * Shapes of success `data` shared by both services, for the OpenAPI document and the response
 * checks of the API tests. Objects are loose: a new field is not a breaking change.
 */
export const userAnswer = z.looseObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const loginAnswer = z.object({
  token: z.string(),
  user: z.object({ id: z.string(), username: z.string(), role: z.enum(ROLES), displayName: z.string(), mustChangePassword: z.boolean() }),
});

export const liveAnswer = z.object({ status: z.literal('ok'), uptimeSeconds: z.number().int().min(0) });

/** Ready to take work, or the reasons (level `down`) that block it. */
export const readyAnswer = z.object({ ready: z.boolean(), reasons: z.array(z.looseObject({ level: z.string() })) });

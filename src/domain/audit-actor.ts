/** Who did something the factory audits: a signed-in user, a device (its token), or the server itself. */

export type AuditActor = { userId: string; username: string } | { deviceId: string } | { system: string };

/** Roles are ordered: a route that needs MANAGER also admits ADMIN. */
export const ROLES = ['OPERATOR', 'MANAGER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

import type { SeedUser } from '../../adapters/store/user-store.js';

/**
 * The users a fresh edge starts with. The well-known passwords are for the demo; production sets
 * them by environment, and the edge logs a warning while any default is still in use.
 */
export const DEMO_USERS = (auth: { adminPassword?: string | undefined; managerPassword?: string | undefined; operatorPassword?: string | undefined }): SeedUser[] => [
  { username: 'admin', displayName: 'Line Administrator', role: 'ADMIN', defaultPassword: 'admin123', password: auth.adminPassword ?? 'admin123' },
  { username: 'manager', displayName: 'Shift Manager', role: 'MANAGER', defaultPassword: 'manager123', password: auth.managerPassword ?? 'manager123' },
  { username: 'operator', displayName: 'John Operator', role: 'OPERATOR', defaultPassword: 'operator123', password: auth.operatorPassword ?? 'operator123' },
];

import type { SeedUser } from '../../adapters/store/user-store.js';

/**
 * The users a fresh factory server starts with. The well-known passwords are for the demo;
 * production sets them by environment, and the server warns while any default is still in use.
 */
export const FACTORY_USERS = (auth: { adminPassword?: string | undefined; managerPassword?: string | undefined; operatorPassword?: string | undefined }): SeedUser[] => [
  { username: 'admin', displayName: 'Site Administrator', role: 'ADMIN', defaultPassword: 'admin123', password: auth.adminPassword ?? 'admin123' },
  { username: 'manager', displayName: 'Site Engineer', role: 'MANAGER', defaultPassword: 'manager123', password: auth.managerPassword ?? 'manager123' },
  { username: 'operator', displayName: 'Control Room Operator', role: 'OPERATOR', defaultPassword: 'operator123', password: auth.operatorPassword ?? 'operator123' },
];

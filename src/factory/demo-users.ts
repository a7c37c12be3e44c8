import type { InitialAccount } from '../../adapters/store/user-store.js';

type AuthPasswords = { adminPassword?: string | undefined; managerPassword?: string | undefined; operatorPassword?: string | undefined };

/**
 * The accounts a fresh factory server starts with. With demo users (`auth.demoUsers`, the demo)
 * all three get their well-known passwords; otherwise the admin gets FACTORY_ADMIN_PASSWORD or a
 * random one-time password, and the manager and operator exist only when their password is set by
 * environment (an administrator creates named users instead).
 */
export const FACTORY_USERS = (auth: AuthPasswords): InitialAccount[] => [
  { username: 'admin', displayName: 'Site Administrator', role: 'ADMIN', demoPassword: 'admin123', password: auth.adminPassword, createWithoutPassword: true },
  { username: 'manager', displayName: 'Site Engineer', role: 'MANAGER', demoPassword: 'manager123', password: auth.managerPassword, createWithoutPassword: false },
  { username: 'operator', displayName: 'Control Room Operator', role: 'OPERATOR', demoPassword: 'operator123', password: auth.operatorPassword, createWithoutPassword: false },
];

import type { MessageCatalogue } from './catalogue.js';

/** Logins, users and sessions (the edge's journal, category `security`). */
export const SECURITY_MESSAGES: MessageCatalogue = {
  'security.login': { ru: 'Вход пользователя {user} с адреса {ip}', en: 'User {user} signed in from {ip}' },
  'security.login_failed': { ru: 'Неудачный вход под именем {user} с адреса {ip}', en: 'Failed login as {user} from {ip}' },
  'security.login_failed_repeated': {
    ru: 'Ещё {count} неудачных попыток входа под именем {user} с адреса {ip}',
    en: '{count} more failed logins as {user} from {ip}',
  },
  'security.logout': { ru: 'Выход из системы (адрес {ip})', en: 'Signed out (from {ip})' },
  'security.password_changed': { ru: 'Пользователь {target} сменил пароль', en: 'User {target} changed the password' },
  'security.password_reset': { ru: 'Пароль пользователя {target} сброшен администратором', en: 'Password of user {target} reset by an administrator' },
  'security.user_created': { ru: 'Создан пользователь {target} с ролью {role}', en: 'User {target} created with role {role}' },
  'security.user_updated': { ru: 'Изменён пользователь {target}', en: 'User {target} changed' },
  'security.user_disabled': { ru: 'Пользователь {target} заблокирован', en: 'User {target} disabled' },
  'security.user_enabled': { ru: 'Пользователь {target} разблокирован', en: 'User {target} enabled' },
  'security.user_role_changed': { ru: 'Роль пользователя {target} изменена: {from} → {to}', en: 'Role of user {target} changed: {from} → {to}' },
};

import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { ChangePasswordForm, LangSwitch, LinkBanner, LoginForm, Nav, useHashRoute } from '../shared/components.js';
import { t } from '../shared/i18n.js';
import { UsersScreen } from '../shared/users-screen.js';
import { AuditScreen } from './audit-screen.js';
import { api, live } from './console-context.js';
import { DeviceScreen } from './device-screen.js';
import { FirmwareScreen } from './firmware-screen.js';
import { FleetScreen } from './fleet-screen.js';
import { GroupsScreen } from './groups-screen.js';
import { OverviewScreen } from './overview-screen.js';

/** The site engineer's console: overview, fleet, device pages, groups, firmware, audit, users. */
export function ConsoleApp() {
  const session = api.session.value;
  useEffect(() => {
    if (!session) return;
    live.start();
    return () => live.stop();
  }, [session?.token]);
  const [screen, rest] = useHashRoute('overview');
  if (!session) return html`<${LoginForm} api=${api} title=${t('console.title')} />`;
  if (api.mustChangePassword.value)
    return html`<main class="login"><div class="login-card"><p>${t('ui.password_change_required')}</p><${ChangePasswordForm} api=${api} /></div></main>`;
  const items = [
    { id: 'overview', label: t('console.tab.overview') },
    { id: 'fleet', label: t('console.tab.fleet') },
    { id: 'groups', label: t('console.tab.groups') },
    { id: 'firmware', label: t('console.tab.firmware') },
    ...(api.can('MANAGER') ? [{ id: 'audit', label: t('console.tab.audit') }] : []),
    ...(api.can('ADMIN') ? [{ id: 'users', label: t('console.tab.users') }] : []),
    { id: 'account', label: t('ui.account') },
  ];
  const current = screen === 'device' ? 'fleet' : items.some((item) => item.id === screen) ? screen : 'overview';
  return html`
    <header class="topbar">
      <span class="title">${t('console.title')}</span>
      <span class="spacer"></span>
      <span data-testid="whoami">${session.user.displayName || session.user.username} · ${t(`role.${session.user.role}`)}</span>
      <${LangSwitch} />
      <button type="button" onClick=${() => void api.logout()}>${t('ui.logout')}</button>
    </header>
    <${LinkBanner} state=${live.link.value} />
    <${Nav} items=${items} current=${current} />
    <main class="screen">
      ${screen === 'device' && rest[0] ? html`<${DeviceScreen} id=${decodeURIComponent(rest[0])} />` : null}
      ${screen !== 'device' && current === 'overview' ? html`<${OverviewScreen} />` : null}
      ${screen !== 'device' && current === 'fleet' ? html`<${FleetScreen} />` : null}
      ${current === 'groups' ? html`<${GroupsScreen} />` : null}
      ${current === 'firmware' ? html`<${FirmwareScreen} />` : null}
      ${current === 'audit' ? html`<${AuditScreen} />` : null}
      ${current === 'users' ? html`<${UsersScreen} api=${api} catchUp=${live.catchUp.value} />` : null}
      ${current === 'account' ? html`<div class="card"><${ChangePasswordForm} api=${api} /></div>` : null}
    </main>
  `;
}

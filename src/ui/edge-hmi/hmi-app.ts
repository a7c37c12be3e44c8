import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { ChangePasswordForm, LangSwitch, LinkBanner, LoginForm, Nav, useHashRoute } from '../shared/components.js';
import { t } from '../shared/i18n.js';
import { UsersScreen } from '../shared/users-screen.js';
import { AlarmBanner } from './alarm-banner.js';
import { DevicesScreen } from './devices-screen.js';
import { FindScreen } from './find-screen.js';
import { alarms, api, live } from './hmi-context.js';
import { JournalScreen } from './journal-screen.js';
import { LineScreen } from './line-screen.js';
import { SetupScreen } from './setup-screen.js';
import { SyncScreen } from './sync-screen.js';

/** The operator panel: login, then the line screen and the others in tabs that follow the user's role. */
export function HmiApp() {
  const session = api.session.value;
  useEffect(() => {
    if (!session) return;
    live.start();
    void alarms.load();
    return () => live.stop();
  }, [session?.token]);
  // Catch up after the edge came back: alarms may have been raised while the page was away.
  useEffect(() => {
    if (live.catchUp.value > 0) void alarms.load();
  }, [live.catchUp.value]);
  const [screen, rest] = useHashRoute('line');

  if (!session) return html`<${LoginForm} api=${api} title=${t('hmi.title')} />`;
  if (api.mustChangePassword.value)
    return html`<main class="login"><div class="login-card"><p>${t('ui.password_change_required')}</p><${ChangePasswordForm} api=${api} /></div></main>`;

  const items = [
    { id: 'line', label: t('hmi.tab.line') },
    { id: 'devices', label: t('hmi.tab.devices') },
    { id: 'journal', label: t('hmi.tab.journal'), badge: alarms.open.value.length || null },
    { id: 'find', label: t('hmi.tab.find') },
    { id: 'sync', label: t('hmi.tab.sync') },
    ...(api.can('MANAGER') ? [{ id: 'setup', label: t('hmi.tab.setup') }] : []),
    ...(api.can('ADMIN') ? [{ id: 'users', label: t('hmi.tab.users') }] : []),
    { id: 'account', label: t('ui.account') },
  ];
  const current = items.some((item) => item.id === screen) ? screen : 'line';
  return html`
    <header class="topbar">
      <span class="title">${t('hmi.title')}</span>
      <span class="spacer"></span>
      <span data-testid="whoami">${session.user.displayName || session.user.username} · ${t(`role.${session.user.role}`)}</span>
      <${LangSwitch} />
      <button type="button" onClick=${() => void api.logout()}>${t('ui.logout')}</button>
    </header>
    <${LinkBanner} state=${live.link.value} />
    <${AlarmBanner} />
    <${Nav} items=${items} current=${current} />
    <main class="screen">
      ${current === 'line' ? html`<${LineScreen} />` : null}
      ${current === 'devices' ? html`<${DevicesScreen} selected=${rest[0] ?? null} />` : null}
      ${current === 'journal' ? html`<${JournalScreen} />` : null}
      ${current === 'find' ? html`<${FindScreen} />` : null}
      ${current === 'sync' ? html`<${SyncScreen} />` : null}
      ${current === 'setup' ? html`<${SetupScreen} />` : null}
      ${current === 'users' ? html`<${UsersScreen} api=${api} catchUp=${live.catchUp.value} />` : null}
      ${current === 'account' ? html`<div class="card" style="max-width:520px"><${ChangePasswordForm} api=${api} /></div>` : null}
    </main>
  `;
}

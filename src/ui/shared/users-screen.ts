import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { ApiClient } from './api-client.js';
import { ErrorNote, Loaded, useAction, useApi } from './components.js';
import { dateTime, t } from './i18n.js';

/** A user as `GET /api/v1/users` lists them (the same on the edge and the factory). */
interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: 'OPERATOR' | 'MANAGER' | 'ADMIN';
  disabled: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

const ROLES = ['OPERATOR', 'MANAGER', 'ADMIN'] as const;

/** Users for admins (both apps): list, add, change role, disable, reset a password. */
export function UsersScreen({ api, catchUp }: { api: ApiClient; catchUp: number }) {
  const users = useApi<UserView[]>(api, '/api/v1/users', [catchUp]);
  const action = useAction();
  const [form, setForm] = useState({ username: '', displayName: '', role: 'OPERATOR', password: '' });
  const [resetFor, setResetFor] = useState<string | null>(null);
  const [resetPassword, setResetPassword] = useState('');
  const field = (name: keyof typeof form) => (e: Event) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value });
  const create = async (event: Event) => {
    event.preventDefault();
    if (await action.run(() => api.post('/api/v1/users', { ...form, mustChangePassword: true }))) {
      setForm({ username: '', displayName: '', role: 'OPERATOR', password: '' });
      users.reload();
    }
  };
  const patch = async (id: string, body: object) => {
    if (await action.run(() => api.patch(`/api/v1/users/${id}`, body))) users.reload();
  };
  const reset = async (event: Event) => {
    event.preventDefault();
    if (resetFor && (await action.run(() => api.post(`/api/v1/users/${resetFor}/password`, { password: resetPassword, mustChangePassword: true })))) {
      setResetFor(null);
      setResetPassword('');
      users.reload();
    }
  };
  return html`<div class="stack">
    <section class="card">
      <h2>${t('users.title')}</h2>
      <${ErrorNote} code=${action.error} />
      <${Loaded} resource=${users}>${(list: UserView[]) => html`<table>
        <thead><tr><th>${t('ui.username')}</th><th>${t('users.name')}</th><th>${t('users.role')}</th><th>${t('users.state')}</th><th>${t('users.created')}</th><th></th></tr></thead>
        <tbody>${list.map(
          (u) => html`<tr key=${u.id}>
            <td>${u.username}</td><td>${u.displayName}</td>
            <td><select aria-label=${t('users.role')} value=${u.role} onChange=${(e: Event) => patch(u.id, { role: (e.target as HTMLSelectElement).value })}>
              ${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}</select></td>
            <td>${u.disabled ? t('users.disabled') : t('users.active')}${u.mustChangePassword ? html`<br /><span class="muted">${t('users.must_change')}</span>` : null}</td>
            <td>${dateTime(u.createdAt)}</td>
            <td class="row">
              <button type="button" onClick=${() => patch(u.id, { disabled: !u.disabled })}>${u.disabled ? t('users.enable') : t('users.disable')}</button>
              <button type="button" onClick=${() => setResetFor(u.id)}>${t('users.reset')}</button>
            </td>
          </tr>`,
        )}</tbody></table>`}<//>
    </section>
    ${resetFor
      ? html`<form class="card row" onSubmit=${reset}>
          <label style=${{ flex: '1' }}>${t('ui.new_password')}<input type="password" autocomplete="new-password" value=${resetPassword} onInput=${(e: Event) => setResetPassword((e.target as HTMLInputElement).value)} required /></label>
          <button type="submit" class="primary">${t('users.reset')}</button><button type="button" onClick=${() => setResetFor(null)}>${t('ui.cancel')}</button>
        </form>`
      : null}
    <form class="card stack" onSubmit=${create}>
      <h2>${t('users.add')}</h2>
      <div class="filters">
        <label>${t('ui.username')}<input value=${form.username} onInput=${field('username')} required /></label>
        <label>${t('users.name')}<input value=${form.displayName} onInput=${field('displayName')} required /></label>
        <label>${t('users.role')}<select value=${form.role} onChange=${field('role')}>${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}</select></label>
        <label>${t('ui.password')}<input type="password" autocomplete="new-password" value=${form.password} onInput=${field('password')} required /></label>
      </div>
      <div class="row"><button type="submit" class="primary">${t('users.add')}</button></div>
    </form>
  </div>`;
}

import { html } from 'htm/preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useState, useCallback, useRef } from 'preact/hooks';
import { ApiFailure, type ApiClient } from './api-client.js';
import { errorText, locale, LOCALES, setLocale, t } from './i18n.js';

/** What a panel shows while it loads, when its endpoint is missing, or when it failed. */
export interface Resource<T> {
  data: T | null;
  error: ApiFailure | null;
  loading: boolean;
  reload: () => void;
}

/**
 * GET `path` now, again whenever one of `deps` changes (a reconnection's catch-up counter, a
 * filter) and every `everyMs` when given. A 404 becomes `error.notAvailable`, never a crash.
 */
export function useApi<T>(api: ApiClient, path: string | null, deps: unknown[] = [], everyMs = 0): Resource<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiFailure | null; loading: boolean }>({ data: null, error: null, loading: !!path });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (!path) return;
    let live = true;
    const load = () =>
      api.get<T>(path).then(
        (data) => live && setState({ data, error: null, loading: false }),
        (error: unknown) => live && setState((s) => ({ data: s.data, error: error instanceof ApiFailure ? error : new ApiFailure(0, 'UNKNOWN'), loading: false })),
      );
    load();
    const timer = everyMs > 0 ? setInterval(load, everyMs) : null;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [path, tick, ...deps]);
  return { ...state, reload };
}

/** Runs an action, remembers its failure's code for display; `busy` while it runs. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.code : 'UNKNOWN');
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: () => setError(null) };
}

export function ErrorNote({ code }: { code: string | null }) {
  if (!code) return null;
  return html`<p class="error-note" role="alert">${errorText(code)}</p>`;
}

/** The body of a panel: a spinner, "not available" for a 404, the error's words, or the content. */
export function Loaded<T>({ resource, children }: { resource: Resource<T>; children: (data: T) => ComponentChildren }) {
  if (resource.error?.notAvailable) return html`<p class="muted not-available">${t('ui.not_available')}</p>`;
  if (resource.data === null) {
    if (resource.error) return html`<${ErrorNote} code=${resource.error.code} />`;
    return html`<p class="muted">${t('ui.loading')}</p>`;
  }
  return html`${children(resource.data)}`;
}

export function LangSwitch() {
  return html`<div class="lang" role="group" aria-label=${t('ui.language')}>
    ${LOCALES.map(
      (code) =>
        html`<button type="button" class=${locale.value === code ? 'on' : ''} aria-pressed=${locale.value === code} onClick=${() => setLocale(code)}>
          ${code.toUpperCase()}
        </button>`,
    )}
  </div>`;
}

export function LoginForm({ api, title }: { api: ApiClient; title: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() => api.login(username.trim(), password));
  };
  return html`<main class="login">
    <form class="card login-card" onSubmit=${submit}>
      <div class="row spread"><h1>${title}</h1><${LangSwitch} /></div>
      <label>${t('ui.username')}<input name="username" autocomplete="username" value=${username} onInput=${(e: Event) => setUsername((e.target as HTMLInputElement).value)} required /></label>
      <label>${t('ui.password')}<input name="password" type="password" autocomplete="current-password" value=${password} onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} required /></label>
      <${ErrorNote} code=${action.error === 'UNAUTHORIZED' ? 'LOGIN_FAILED' : action.error} />
      <button class="primary big" type="submit" disabled=${action.busy}>${t('ui.login')}</button>
    </form>
  </main>`;
}

/** Shown instead of the app while the service demands a new password (403 PASSWORD_CHANGE_REQUIRED). */
export function ChangePasswordForm({ api, onDone }: { api: ApiClient; onDone?: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    const changed = await action.run(async () => api.adopt(await api.post('/api/v1/auth/password', { currentPassword: current, newPassword: next })));
    if (changed) {
      api.mustChangePassword.value = false;
      setDone(true);
      setCurrent('');
      setNext('');
      onDone?.();
    }
  };
  return html`<form class="card stack" onSubmit=${submit}>
    <h2>${t('ui.change_password')}</h2>
    <label>${t('ui.current_password')}<input type="password" autocomplete="current-password" value=${current} onInput=${(e: Event) => setCurrent((e.target as HTMLInputElement).value)} required /></label>
    <label>${t('ui.new_password')}<input type="password" autocomplete="new-password" minlength="8" value=${next} onInput=${(e: Event) => setNext((e.target as HTMLInputElement).value)} required /></label>
    <${ErrorNote} code=${action.error} />
    ${done ? html`<p class="ok-note" role="status">${t('ui.password_changed')}</p>` : null}
    <button class="primary" type="submit" disabled=${action.busy}>${t('ui.save')}</button>
  </form>`;
}

/** A button that asks again before a dangerous action (a modal with the question and Confirm / Cancel). */
export function ConfirmButton({ label, question, onConfirm, className = '', disabled = false }: { label: string; question: string; onConfirm: () => void; className?: string; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  return html`<button type="button" class=${className} disabled=${disabled} onClick=${() => setAsking(true)}>${label}</button>
    ${asking
      ? html`<div class="modal-backdrop"><div class="modal card" role="dialog" aria-modal="true" aria-label=${question}>
          <p class="question">${question}</p>
          <div class="row">
            <button type="button" class="danger" ref=${confirmRef} onClick=${() => { setAsking(false); onConfirm(); }}>${t('ui.confirm')}</button>
            <button type="button" onClick=${() => setAsking(false)}>${t('ui.cancel')}</button>
          </div>
        </div></div>`
      : null}`;
}

/** The "connection lost" strip shown while the live link to the service is down. */
export function LinkBanner({ state }: { state: 'connecting' | 'open' | 'lost' }) {
  if (state !== 'lost') return null;
  return html`<div class="banner lost" role="alert">${t('ui.connection_lost')}</div>`;
}

/** Tabs in the page's hash (`#/journal`), so a reload or a bookmark keeps the screen. */
export function useHashRoute(fallback: string): [string, string[]] {
  const read = () => (location.hash.replace(/^#\/?/, '') || fallback).split('/');
  const [parts, setParts] = useState(read());
  useEffect(() => {
    const onChange = () => setParts(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return [parts[0]!, parts.slice(1)];
}

export function Nav({ items, current }: { items: Array<{ id: string; label: string; badge?: number | null }>; current: string }) {
  return html`<nav class="tabs" aria-label=${t('ui.navigation')}>
    ${items.map(
      (item) =>
        html`<a href=${`#/${item.id}`} class=${current === item.id ? 'on' : ''} aria-current=${current === item.id ? 'page' : undefined}>
          ${item.label}${item.badge ? html` <span class="badge">${item.badge}</span>` : null}
        </a>`,
    )}
  </nav>`;
}

export function StatusDot({ state, label }: { state: 'ok' | 'warn' | 'bad' | 'off'; label: string }) {
  return html`<span class=${`dot ${state}`} aria-hidden="true"></span><span class="sr-only">${label}</span>`;
}

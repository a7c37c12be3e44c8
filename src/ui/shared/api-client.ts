import { signal } from '@preact/signals';

/**
 * The one way both apps talk to their service: same origin, bearer token from the login kept in
 * localStorage, the `{success,data}` envelope unwrapped. A refusal is an `ApiFailure` carrying the
 * stable error `code` (the UI shows its translation, never the server's message).
 */
export interface SessionUser {
  id: string;
  username: string;
  role: 'OPERATOR' | 'MANAGER' | 'ADMIN';
  displayName?: string | null;
}

export interface Session {
  token: string;
  user: SessionUser;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(code);
  }
  /** The endpoint does not exist on this service (yet): the panel shows "not available". */
  get notAvailable(): boolean {
    return this.status === 404 && this.code === 'NOT_FOUND';
  }
}

const ROLE_RANK = { OPERATOR: 1, MANAGER: 2, ADMIN: 3 } as const;

export function createApiClient(app: string) {
  const key = `okto.${app}.session`;
  const stored = (() => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? 'null') as Session | null;
    } catch {
      return null;
    }
  })();
  const session = signal<Session | null>(stored);
  /** Set by a 403 PASSWORD_CHANGE_REQUIRED: the page shows only the password form until it is changed. */
  const mustChangePassword = signal(false);

  function setSession(next: Session | null): void {
    session.value = next;
    if (next) localStorage.setItem(key, JSON.stringify(next));
    else localStorage.removeItem(key);
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = session.value?.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch {
      throw new ApiFailure(0, 'NETWORK');
    }
    let parsed: { success?: boolean; data?: T; error?: { code?: string; details?: unknown } } | null = null;
    try {
      parsed = await response.json();
    } catch {
      /* not JSON */
    }
    if (response.ok && parsed?.success) return parsed.data as T;
    const code = parsed?.error?.code ?? (response.ok ? 'BAD_RESPONSE' : `HTTP_${response.status}`);
    if (response.status === 401 && token && path !== '/api/v1/auth/login') setSession(null);
    if (response.status === 403 && code === 'PASSWORD_CHANGE_REQUIRED') mustChangePassword.value = true;
    throw new ApiFailure(response.status, code, parsed?.error?.details);
  }

  return {
    session,
    mustChangePassword,
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
    put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
    del: <T>(path: string) => call<T>('DELETE', path),
    async login(username: string, password: string): Promise<void> {
      const data = await call<{ token: string; user: SessionUser }>('POST', '/api/v1/auth/login', { username, password });
      mustChangePassword.value = false;
      setSession({ token: data.token, user: data.user });
    },
    /** Takes the new token the service hands out after a password change. */
    adopt(data: { token?: string; user?: SessionUser } | null): void {
      if (data?.token && data.user) setSession({ token: data.token, user: data.user });
    },
    async logout(): Promise<void> {
      try {
        await call('POST', '/api/v1/auth/logout');
      } catch {
        /* 404 before the auth endpoints exist, or the token already expired: logged out anyway */
      }
      setSession(null);
    },
    /** True when the logged-in user has at least `role`. */
    can(role: SessionUser['role']): boolean {
      const user = session.value?.user;
      return !!user && ROLE_RANK[user.role] >= ROLE_RANK[role];
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

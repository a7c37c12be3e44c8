export interface JsonResponse {
  status: number;
  body: any;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export type JsonRequester = (method: string, path: string, options?: RequestOptions) => Promise<JsonResponse>;

/** JSON requests against a service under test: status, parsed body (or the text) and headers. */
export function jsonRequester(baseUrl: string): JsonRequester {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}

/** Logs the three demo users in; both services seed the same usernames and demo passwords. */
export async function demoTokens(request: JsonRequester): Promise<{ operator: string; manager: string; admin: string }> {
  const login = async (username: string, password: string) => {
    const res = await request('POST', '/api/v1/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  };
  return { operator: await login('operator', 'operator123'), manager: await login('manager', 'manager123'), admin: await login('admin', 'admin123') };
}

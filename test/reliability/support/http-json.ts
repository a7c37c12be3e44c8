import { waitFor } from '../../support/wait-for.js';
/** A JSON call to a service under test: status and parsed body, never a thrown HTTP error. */
export interface JsonResponse {
  status: number;
  body: any;
}

export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(baseUrl + path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text for the failure message */
  }
  return { status: response.status, body };
}

/** The `data` of a 2xx envelope; anything else throws with what came back. */
export async function dataOf<T = any>(baseUrl: string, method: string, path: string, options: Parameters<typeof requestJson>[3] = {}): Promise<T> {
  const res = await requestJson(baseUrl, method, path, options);
  if (res.status < 200 || res.status >= 300 || res.body?.success !== true) {
    throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  }
  return res.body.data as T;
}

/** The suite's polling helper for processes that may not answer yet: a probe that throws is "not yet". */
export function pollUntil<T>(probe: () => Promise<T> | T, timeoutMs: number, what: string, intervalMs = 25): Promise<NonNullable<T>> {
  return waitFor(probe, timeoutMs, what, { intervalMs, retryErrors: true });
}

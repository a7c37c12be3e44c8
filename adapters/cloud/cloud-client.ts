import type { z } from 'zod';
import {
  activateResponseSchema,
  cloudCodeSchema,
  cloudCompanySchema,
  cloudDeviceSchema,
  cloudLineSchema,
  signInResponseSchema,
  syncResponseSchema,
  type ActivatedDevice,
  type CloudCode,
  type CloudCompany,
  type CloudDevice,
  type CloudLine,
  type CloudUser,
  type SyncItem,
  type SyncItemResult,
} from './cloud-types.js';
import { describeNetworkError, isTimeout } from './network-errors.js';

export type {
  ActivatedDevice,
  CloudCode,
  CloudCompany,
  CloudDevice,
  CloudLine,
  CloudUser,
  SyncItem,
  SyncItemResult,
  SyncItemStatus,
} from './cloud-types.js';

export type CloudErrorKind = 'unreachable' | 'timeout' | 'unauthorized' | 'not_found' | 'conflict' | 'invalid' | 'server' | 'protocol';

/** Kinds worth retrying as they are: the network or the cloud may recover. */
const TRANSIENT: ReadonlySet<CloudErrorKind> = new Set(['unreachable', 'timeout', 'server']);

/** A failed cloud call, with a message an operator can act on. Never carries a token. */
export class CloudError extends Error {
  override readonly name = 'CloudError';

  constructor(
    readonly kind: CloudErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** unreachable, timeout, server: try again later. The rest need a person or new credentials. */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

export interface CloudClient {
  signIn(email: string, password: string): Promise<{ userToken: string; user: CloudUser }>;
  listDevices(userToken: string): Promise<CloudDevice[]>;
  activate(userToken: string, deviceId: string, installationId: string): Promise<{ deviceToken: string; device: ActivatedDevice }>;
  lines(deviceToken: string): Promise<CloudLine[]>;
  codes(deviceToken: string): Promise<CloudCode[]>;
  company(deviceToken: string): Promise<CloudCompany>;
  /** One result per item, matched by id. */
  sync(deviceToken: string, items: SyncItem[]): Promise<SyncItemResult[]>;
}

export interface CloudClientOptions {
  /** e.g. http://127.0.0.1:8090, or a real endpoint with a path prefix. */
  baseUrl: string;
  /** Per call, connection to last byte of the body. Default 15 s. */
  timeoutMs?: number;
}

export const DEFAULT_CLOUD_TIMEOUT_MS = 15_000;

/**
 * The edge's only way to talk to OKTO Cloud (or the simulator): JSON over HTTP with the
 * `{ success, data | error }` envelope, bearer tokens, and every failure turned into a CloudError
 * of a small set of kinds the provisioning and sync machines decide on.
 */
export function createCloudClient(options: CloudClientOptions): CloudClient {
  const base = new URL(options.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`OKTO Cloud URL must be http(s): ${options.baseUrl}`);
  // Shown in messages: no user:password@ and no query, whatever the configuration held.
  const shownBase = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLOUD_TIMEOUT_MS;

  async function call<T extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: T,
    token: string | undefined,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const what = `${method} ${path}`;
    // Text from the peer could echo the token back; a very short "token" is no secret and would mangle words.
    const scrub = (text: string) => (token && token.length >= 8 ? text.split(token).join('[redacted]') : text);
    // fetch would refuse such a header with the token quoted in its message.
    if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
      throw new CloudError('invalid', `Cannot call ${what}: the token is empty or has characters a bearer token cannot have`);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let text: string;
    try {
      const response = await fetch(shownBase + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (isTimeout(error)) throw new CloudError('timeout', `OKTO Cloud at ${shownBase} did not answer ${what} within ${timeoutMs} ms`);
      throw new CloudError('unreachable', `OKTO Cloud unreachable at ${shownBase}: ${scrub(describeNetworkError(error))} (${what})`);
    }

    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      // A proxy's HTML error page still says something through its status; a 2xx that is not JSON does not.
      const kind = status >= 200 && status < 300 ? 'protocol' : kindForStatus(status);
      throw new CloudError(kind, `OKTO Cloud at ${shownBase} answered ${what} with HTTP ${status} and a body that is not JSON`, status);
    }
    if (status >= 200 && status < 300) {
      const data = (envelope as { success?: unknown; data?: unknown } | null)?.success === true ? (envelope as { data: unknown }).data : undefined;
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        throw new CloudError('protocol', `OKTO Cloud at ${shownBase} answered ${what} with an unexpected body: ${parsed.error.issues[0]?.message ?? 'not the { success, data } envelope'}`, status);
      }
      return parsed.data;
    }
    const error = (envelope as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const detail = typeof error?.message === 'string' ? scrub(error.message).slice(0, 500) : `HTTP ${status}`;
    throw new CloudError(kindForStatus(status), `OKTO Cloud refused ${what} (HTTP ${status}): ${detail}`, status);
  }

  return {
    async signIn(email, password) {
      const { token, user } = await call('POST', '/sign_in', signInResponseSchema, undefined, { email, password });
      return { userToken: token, user };
    },
    listDevices: (userToken) => call('GET', '/devices', cloudDeviceSchema.array(), userToken),
    activate: (userToken, deviceId, installationId) =>
      call('POST', `/devices/${encodeURIComponent(deviceId)}/activate`, activateResponseSchema, userToken, { installationId }),
    lines: (deviceToken) => call('GET', '/device/lines', cloudLineSchema.array(), deviceToken),
    codes: (deviceToken) => call('GET', '/device/codes', cloudCodeSchema.array(), deviceToken),
    company: (deviceToken) => call('GET', '/device/company', cloudCompanySchema, deviceToken),
    async sync(deviceToken, items) {
      const { results } = await call('POST', '/device/sync', syncResponseSchema, deviceToken, { items });
      if (results.length !== items.length) {
        throw new CloudError('protocol', `OKTO Cloud answered ${items.length} sync items with ${results.length} results`);
      }
      return results;
    },
  };
}

/** The error kind an HTTP error status means (shared with the factory sync target). */
export function kindForStatus(status: number): CloudErrorKind {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  // Request timeout and rate limiting pass with time, like a 5xx.
  if (status === 408 || status === 429 || status >= 500) return 'server';
  if (status >= 400) return 'invalid';
  return 'protocol';
}

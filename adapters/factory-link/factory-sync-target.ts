import { type CloudErrorKind, kindForStatus } from '../cloud/cloud-client.js';
import { type SyncItem, type SyncItemResult, syncResponseSchema } from '../cloud/cloud-types.js';
import { describeNetworkError, isTimeout } from '../cloud/network-errors.js';
import type { SyncTarget } from '../sync/sync-target.js';

/**
 * VIA_LOCAL_SERVER mode: the outbox drains to the factory server's `POST /api/v1/sync` with the
 * device token, over plain HTTP (not the device channel): a batch is a request with a response,
 * and HTTP gives it a timeout, a status and a body limit for free. Wire format and error kinds
 * are the cloud's, so the sync queue and the outbox drain treat both targets alike.
 */

/** A failed factory call; `kind` is what the sync queue decides on. Never carries the token. */
export class FactoryError extends Error {
  override readonly name = 'FactoryError';

  constructor(
    readonly kind: CloudErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface FactorySyncTargetOptions {
  /** The factory server's base URL, http(s)://host:port[/prefix]. */
  factoryUrl: string;
  deviceToken: string;
  /** Per request, connection to last byte of the body. Default 15 s. */
  timeoutMs?: number;
}

export const FACTORY_SYNC_PATH = '/api/v1/sync';

export function factorySyncTarget(options: FactorySyncTargetOptions): SyncTarget {
  const base = new URL(options.factoryUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`factory server URL must be http(s): ${base.origin}`);
  const shownBase = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const endpoint = shownBase + FACTORY_SYNC_PATH;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const token = options.deviceToken;
  const what = `POST ${FACTORY_SYNC_PATH}`;
  // Text from the peer could echo the token back; a very short "token" is no secret and would mangle words.
  const scrub = (text: string) => (token.length >= 8 ? text.split(token).join('[redacted]') : text);

  async function send(items: SyncItem[]): Promise<SyncItemResult[]> {
    // fetch would refuse such a header with the token quoted in its message.
    if (!/^[\x21-\x7e]+$/.test(token)) throw new FactoryError('invalid', `Cannot call ${what}: the device token is empty or has characters a bearer token cannot have`);
    let status: number;
    let text: string;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ items }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (isTimeout(error)) throw new FactoryError('timeout', `Factory server at ${shownBase} did not answer ${what} within ${timeoutMs} ms`);
      throw new FactoryError('unreachable', `Factory server unreachable at ${shownBase}: ${scrub(describeNetworkError(error))} (${what})`);
    }

    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      const kind = status >= 200 && status < 300 ? 'protocol' : kindForStatus(status);
      throw new FactoryError(kind, `Factory server at ${shownBase} answered ${what} with HTTP ${status} and a body that is not JSON`, status);
    }
    if (status >= 200 && status < 300) {
      const data = (envelope as { success?: unknown; data?: unknown } | null)?.success === true ? (envelope as { data: unknown }).data : undefined;
      const parsed = syncResponseSchema.safeParse(data);
      if (!parsed.success) {
        throw new FactoryError('protocol', `Factory server at ${shownBase} answered ${what} with an unexpected body: ${parsed.error.issues[0]?.message ?? 'not the { success, data } envelope'}`, status);
      }
      if (parsed.data.results.length !== items.length) {
        throw new FactoryError('protocol', `Factory server answered ${items.length} sync items with ${parsed.data.results.length} results`, status);
      }
      return parsed.data.results;
    }
    const error = (envelope as { error?: { message?: unknown } } | null)?.error;
    const detail = typeof error?.message === 'string' ? scrub(error.message).slice(0, 500) : `HTTP ${status}`;
    throw new FactoryError(kindForStatus(status), `Factory server refused ${what} (HTTP ${status}): ${detail}`, status);
  }

  return { name: 'factory server', send };
}

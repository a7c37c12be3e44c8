/**
 * Node's fetch (undici) reports network failures as `TypeError: fetch failed` (or `terminated`
 * when the body was cut) with the system error somewhere down the `cause` chain. These helpers
 * dig it out so an operator reads "connection refused", not "fetch failed".
 */

const PHRASES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
};

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (e instanceof AggregateError) chain.push(...e.errors);
  }
  return chain;
}

/** Whether the call was aborted by its AbortSignal.timeout (before or while reading the body). */
export function isTimeout(error: unknown): boolean {
  return causes(error).some((e) => {
    const name = (e as { name?: unknown })?.name;
    return name === 'TimeoutError' || name === 'AbortError';
  });
}

/** A short phrase for a network failure: the first known error code in the chain, else its message. */
export function describeNetworkError(error: unknown): string {
  const chain = causes(error);
  // undici's word for a body cut short; its cause (the socket closing) says less.
  if (chain.some((e) => (e as Error)?.message === 'terminated')) return 'connection closed mid-response';
  for (const e of chain) {
    const code = (e as { code?: unknown })?.code;
    if (typeof code === 'string' && PHRASES[code]) return PHRASES[code];
  }
  const deepest = chain[chain.length - 1] as { message?: unknown } | undefined;
  return typeof deepest?.message === 'string' && deepest.message ? deepest.message : String(error);
}

import WebSocket from 'ws';

export interface WsMessage {
  type: string;
  data: any;
}

export interface TestWsClient {
  ws: WebSocket;
  /** Every message received so far, parsed. */
  messages: WsMessage[];
  /** Resolves with the first message (already received or future) that matches; rejects after `timeoutMs`. */
  next(predicate: (m: WsMessage) => boolean, timeoutMs?: number): Promise<WsMessage>;
  close(): Promise<void>;
}

/** Opens a WebSocket and waits for the upgrade; rejects with the HTTP status when it is refused. */
export function openWs(url: string, headers: Record<string, string> = {}): Promise<TestWsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: WsMessage[] = [];
    const waiters = new Set<() => void>();
    ws.on('message', (raw) => {
      messages.push(JSON.parse(raw.toString()) as WsMessage);
      for (const w of [...waiters]) w();
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new WsRefused(res.statusCode ?? 0));
      res.resume();
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        next: (predicate, timeoutMs = 5_000) =>
          new Promise((found, fail) => {
            const check = () => {
              const hit = messages.find(predicate);
              if (!hit) return;
              waiters.delete(check);
              clearTimeout(timer);
              found(hit);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching WebSocket message; got ${JSON.stringify(messages)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        close: () =>
          new Promise<void>((done) => {
            if (ws.readyState === WebSocket.CLOSED) return done();
            ws.once('close', () => done());
            ws.close();
          }),
      }),
    );
  });
}

export class WsRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}

/** The HTTP status a refused upgrade answered with (fails if the upgrade succeeded). */
export async function refusalStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const client = await openWs(url, headers);
    await client.close();
  } catch (error) {
    if (error instanceof WsRefused) return error.status;
    throw error;
  }
  throw new Error(`upgrade to ${url} was accepted`);
}

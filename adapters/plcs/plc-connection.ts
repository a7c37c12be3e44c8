import { performance } from 'node:perf_hooks';
import { fromCallback } from 'xstate';
import type { PlcConnectionCommand, PlcConnectionEvent, PlcReply, PlcRequest } from '../../src/domain/ports/plc-connection.js';
import type { PlcConfig } from './plcs-config.js';
import type { PlcDriver, PlcTag, PlcValue } from './plc-driver.js';

/**
 * The PLC actor's link: builds the protocol driver, connects, runs the requests the actor
 * forwards and answers each one straight to its requester. One link per connection attempt:
 * the actor stops it (closing the driver) on a loss, a STOP or a forced reconnect.
 *
 * Drivers time out their own requests; the guard here only catches a driver that never settles
 * (a bug, or a library that ignores its timeout), so a requester always gets an answer.
 */

const errorCode = (error: unknown) => (error as { code?: unknown }).code;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function withGuard<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no result within ${ms} ms`), { code: 'TIMEOUT' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function perform(driver: PlcDriver, request: PlcRequest): Promise<{ value?: PlcValue; tags?: PlcTag[] | null }> {
  switch (request.op) {
    case 'read':
      return { value: await driver.read(request.address) };
    case 'write':
      await driver.write(request.address, request.value);
      return {};
    case 'browse':
      return { tags: await driver.browse() };
  }
}

export function plcConnection(createDriver: (config: PlcConfig) => PlcDriver) {
  return fromCallback<PlcConnectionCommand, PlcConfig, PlcConnectionEvent>(({ input, sendBack, receive }) => {
    let stopped = false;
    const report = (event: PlcConnectionEvent) => {
      if (!stopped) sendBack(event);
    };
    let driver: PlcDriver | null = null;
    try {
      driver = createDriver(input);
    } catch (error) {
      // Not from inside start-up: the parent is still starting this actor.
      queueMicrotask(() => report({ type: 'plc.failed', reason: messageOf(error) }));
    }
    if (driver) {
      const d = driver;
      d.onDisconnect((reason) => report({ type: 'plc.lost', reason }));
      withGuard(d.connect(), input.timeoutMs * 2 + 1000, 'connect').then(
        () => (stopped ? d.close().catch(() => undefined) : report({ type: 'plc.connected' })),
        (error: unknown) => report({ type: 'plc.failed', reason: messageOf(error) }),
      );
    }

    receive((command) => {
      const { request, requestId, replyTo } = command;
      const answer = (reply: PlcReply) => replyTo?.send(reply);
      if (!driver) {
        answer({ type: 'plc.reply', requestId, ok: false, code: 'NOT_CONNECTED', error: 'no driver' });
        return;
      }
      const started = performance.now();
      const guardMs = request.op === 'browse' ? input.timeoutMs * 10 + 1000 : input.timeoutMs * 2 + 500;
      withGuard(perform(driver, request), guardMs, request.op).then(
        (result) => {
          const latencyMs = performance.now() - started;
          report({ type: 'plc.stats', ok: true, latencyMs, error: null, op: request.op });
          answer({ type: 'plc.reply', requestId, ok: true, latencyMs, ...result });
        },
        (error: unknown) => {
          const latencyMs = performance.now() - started;
          const code = typeof errorCode(error) === 'string' ? (errorCode(error) as string) : 'FAILED';
          report({ type: 'plc.stats', ok: false, latencyMs, error: messageOf(error), op: request.op });
          answer({ type: 'plc.reply', requestId, ok: false, code, error: messageOf(error) });
        },
      );
    });

    return () => {
      stopped = true;
      driver?.close().catch(() => undefined);
    };
  });
}

import { fromCallback } from 'xstate';
import type { UpsConnectionCommand, UpsConnectionEvent, UpsReading } from '../../src/domain/ports/ups-connection.js';
import { NutClient, NutError } from './nut-client.js';
import { nutNumber, parseUpsStatus } from './nut-protocol.js';

/**
 * The `connection` actor for the `nut` driver: connects to upsd, authenticates and LOGINs when
 * credentials are configured, reads the UPS at once and then every `pollIntervalMs`, and reports
 * `ups.failed` on the first thing that goes wrong (the UPS machine backs off and builds a new one).
 *
 * Credentials are closed over here, not passed as input: input ends up in the actor's context,
 * which the debug API and traces can show.
 */

export interface NutConnectionInput {
  host: string;
  port: number;
  upsName: string;
  pollIntervalMs: number;
  timeoutMs: number;
}

export interface NutCredentials {
  username?: string | undefined;
  password?: string | undefined;
}

/** Reads what the policy needs; the charge and runtime are optional in NUT (VAR-NOT-SUPPORTED → null). */
export async function readUps(client: NutClient, upsName: string, now: () => number = Date.now): Promise<UpsReading> {
  const optional = (name: string) =>
    client.getVar(upsName, name).catch((error: unknown) => {
      if (error instanceof NutError && error.code === 'VAR-NOT-SUPPORTED') return null;
      throw error;
    });
  const status = await client.getVar(upsName, 'ups.status');
  const charge = await optional('battery.charge');
  const runtime = await optional('battery.runtime');
  return { status, ...parseUpsStatus(status), batteryPercent: nutNumber(charge), runtimeSeconds: nutNumber(runtime), at: now() };
}

export function createNutUpsConnection(credentials: NutCredentials = {}, now: () => number = Date.now) {
  return fromCallback<UpsConnectionCommand, NutConnectionInput, UpsConnectionEvent>(({ input, sendBack, receive }) => {
    let stopped = false;
    let client: NutClient | null = null;
    let timer: NodeJS.Timeout | undefined;
    let reading = false;

    const fail = (error: unknown) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      client?.close();
      sendBack({ type: 'ups.failed', reason: error instanceof Error ? error.message : String(error) });
    };

    const poll = async () => {
      if (stopped || !client || reading) return;
      reading = true;
      clearTimeout(timer);
      try {
        const result = await readUps(client, input.upsName, now);
        if (stopped) return;
        sendBack({ type: 'ups.reading', reading: result });
        timer = setTimeout(() => void poll(), input.pollIntervalMs);
        timer.unref();
      } catch (error) {
        fail(error);
      } finally {
        reading = false;
      }
    };

    void (async () => {
      try {
        const opened = await NutClient.connect({ host: input.host, port: input.port, timeoutMs: input.timeoutMs });
        if (stopped) return opened.close();
        client = opened;
        opened.onClose((error) => fail(error));
        if (credentials.username !== undefined && credentials.password !== undefined) {
          await opened.authenticate(credentials.username, credentials.password);
          await opened.login(input.upsName);
        }
        // Fail here rather than report "connected" to a upsd that does not know this UPS.
        const first = await readUps(opened, input.upsName, now);
        if (stopped) return;
        sendBack({ type: 'ups.connected', peer: opened.peer });
        sendBack({ type: 'ups.reading', reading: first });
        timer = setTimeout(() => void poll(), input.pollIntervalMs);
        timer.unref();
      } catch (error) {
        fail(error);
      }
    })();

    receive((command) => {
      if (command.type === 'ups.poll') void poll();
    });

    return () => {
      stopped = true;
      clearTimeout(timer);
      // LOGOUT politely (upsd counts logged-in monitors), bounded by the request timeout.
      void client?.logout();
    };
  });
}

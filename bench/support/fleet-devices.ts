import { WebSocket } from 'ws';
import { channelMessage, encodeChannelMessage, type ReportedStatus } from '../../src/domain/device-channel.js';
import type { FactoryProcess } from './fleet-factory-process.js';
import { forEachConcurrently } from './fleet-pool.js';
import { percentile } from './report.js';

export interface EnrolledDevice {
  id: string;
  lineId: string;
  token: string;
}

/** The i-th simulated edge (0-based): the same ids in every run, spread over 50 lines. */
export const benchDevice = (i: number): Pick<EnrolledDevice, 'id' | 'lineId'> => ({
  id: `bench-${String(i + 1).padStart(5, '0')}`,
  lineId: `line-${String((i % 50) + 1).padStart(3, '0')}`,
});

/** Registers `count` devices and issues each its token, through the REST API as a manager would. */
export async function enrolDevices(factory: FactoryProcess, managerToken: string, count: number, concurrency = 16): Promise<EnrolledDevice[]> {
  const devices: EnrolledDevice[] = Array.from({ length: count }, (_, i) => ({ ...benchDevice(i), token: '' }));
  await forEachConcurrently(devices, concurrency, async (device) => {
    await factory.api('POST', '/api/v1/devices', { id: device.id, name: `Bench edge ${device.id}`, lineId: device.lineId }, managerToken);
    device.token = (await factory.api<{ token: string }>('POST', `/api/v1/devices/${device.id}/token`, undefined, managerToken)).token;
  });
  return devices;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  n: number;
  /** Heartbeats sent in the phase whose device_status never reached the dashboard. */
  unanswered: number;
}

interface SimDevice {
  id: string;
  ws: WebSocket;
  accepted: number;
  /** Heartbeats in flight: accepted counter → when it was sent and in which phase. */
  inFlight: Map<number, { sentAt: number; phase: string }>;
  timers: NodeJS.Timeout[];
}

/** A `command` that reached a simulated device: when (performance.now()), for which device. */
export interface CommandArrival {
  deviceId: string;
  commandId: string;
  type: string;
  at: number;
}

/** The small result an edge would send back for each command type the bench dispatches. */
function resultOf(type: string, params: Record<string, unknown>): unknown {
  if (type === 'push_config') return { version: params.version, applied: params.config };
  if (type === 'force_sync') return { pending: 0, triggered: true };
  return { done: true };
}

const statusOf = (accepted: number): ReportedStatus => ({
  softwareVersion: 'bench',
  mode: 'VIA_LOCAL_SERVER',
  line: { state: 'running', accepted, rejected: 0 },
  syncQueue: { state: 'idle', pending: 0 },
});

/**
 * N edges in this one process, each with its own `/ws/device` channel: `hello`, then a heartbeat
 * every interval from a random start (so they do not arrive in lockstep), each carrying a line
 * counter one higher than the last. One dashboard socket sees the resulting `device_status`
 * messages; the time from sending a heartbeat to seeing its counter there is the latency.
 */
export class SimulatedFleet {
  private readonly devices = new Map<string, SimDevice>();
  private dashboard: WebSocket | null = null;
  private phase = 'warmup';
  private readonly samples = new Map<string, number[]>();
  private readonly sent = new Map<string, number>();
  private closing = false;
  /** Every `command` the devices received (and answered at once), in arrival order. */
  readonly commandArrivals: CommandArrival[] = [];
  unexpectedCloses = 0;
  errors = 0;

  constructor(private readonly options: { wsUrl: string; heartbeatMs: number; dashboardToken: string }) {}

  async connect(devices: EnrolledDevice[], concurrency = 50): Promise<void> {
    this.dashboard = await this.open(`${this.options.wsUrl}/ws/dashboard?token=${encodeURIComponent(this.options.dashboardToken)}`);
    this.dashboard.on('message', (data) => this.onDashboard(String(data)));
    this.dashboard.on('close', () => !this.closing && this.unexpectedCloses++);
    await forEachConcurrently(devices, concurrency, async (device) => {
      const ws = await this.open(`${this.options.wsUrl}/ws/device?token=${encodeURIComponent(device.token)}`);
      const sim: SimDevice = { id: device.id, ws, accepted: 0, inFlight: new Map(), timers: [] };
      this.devices.set(device.id, sim);
      ws.on('close', () => !this.closing && this.unexpectedCloses++);
      ws.on('message', (data) => this.onDeviceMessage(sim, String(data)));
      ws.send(encodeChannelMessage(channelMessage('hello', { deviceId: device.id, status: statusOf(0) })));
      const first = setTimeout(() => {
        this.heartbeat(sim);
        sim.timers.push(setInterval(() => this.heartbeat(sim), this.options.heartbeatMs));
      }, Math.random() * this.options.heartbeatMs);
      sim.timers.push(first);
    });
  }

  /** Heartbeats sent from now on count towards `name`. */
  startPhase(name: string): void {
    this.phase = name;
  }

  get openChannels(): number {
    let open = 0;
    for (const device of this.devices.values()) if (device.ws.readyState === WebSocket.OPEN) open++;
    return open;
  }

  latency(phase: string): LatencySummary {
    const samples = [...(this.samples.get(phase) ?? [])].sort((a, b) => a - b);
    return {
      p50: percentile(samples, 50),
      p99: percentile(samples, 99),
      max: samples[samples.length - 1] ?? NaN,
      n: samples.length,
      unanswered: (this.sent.get(phase) ?? 0) - samples.length,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed: Array<Promise<unknown>> = [];
    for (const device of this.devices.values()) {
      device.timers.forEach((timer) => clearTimeout(timer));
      closed.push(closeSocket(device.ws));
    }
    if (this.dashboard) closed.push(closeSocket(this.dashboard));
    await Promise.all(closed);
  }

  private open(url: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`${url.split('?')[0]}: HTTP ${res.statusCode}`)));
      ws.on('error', (error) => {
        this.errors++;
        reject(error);
      });
    });
  }

  private heartbeat(device: SimDevice): void {
    if (device.ws.readyState !== WebSocket.OPEN) return;
    device.accepted += 1;
    device.inFlight.set(device.accepted, { sentAt: performance.now(), phase: this.phase });
    this.sent.set(this.phase, (this.sent.get(this.phase) ?? 0) + 1);
    device.ws.send(encodeChannelMessage(channelMessage('heartbeat', { status: statusOf(device.accepted) })));
  }

  /**
   * Answers a `command` as an edge would, minus the work: `command.ack` (DELIVERED), then
   * `command.result` ok with a small result. What is measured is the factory's side of it.
   */
  private onDeviceMessage(device: SimDevice, text: string): void {
    if (!text.includes('"command"')) return;
    const message = JSON.parse(text) as { type: string; payload?: { commandId?: string; type?: string; params?: Record<string, unknown> } };
    if (message.type !== 'command' || !message.payload?.commandId) return;
    const { commandId, type = '', params = {} } = message.payload;
    this.commandArrivals.push({ deviceId: device.id, commandId, type, at: performance.now() });
    device.ws.send(encodeChannelMessage(channelMessage('command.ack', { commandId })));
    device.ws.send(encodeChannelMessage(channelMessage('command.result', { commandId, ok: true, result: resultOf(type, params) })));
  }

  private onDashboard(text: string): void {
    const message = JSON.parse(text) as { type: string; data?: { deviceId?: string; reported?: ReportedStatus } };
    if (message.type !== 'device_status') return;
    const accepted = message.data?.reported?.line?.accepted;
    const device = this.devices.get(message.data?.deviceId ?? '');
    if (!device || accepted === undefined) return;
    const flight = device.inFlight.get(accepted);
    if (!flight) return;
    device.inFlight.delete(accepted);
    let bucket = this.samples.get(flight.phase);
    if (!bucket) this.samples.set(flight.phase, (bucket = []));
    bucket.push(performance.now() - flight.sentAt);
  }
}

function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => (ws.terminate(), resolve()), 2000);
    ws.once('close', () => (clearTimeout(timer), resolve()));
    ws.close(1000, 'bench done');
  });
}

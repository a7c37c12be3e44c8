import type { FactoryProcess } from './fleet-factory-process.js';
import type { SimulatedFleet } from './fleet-devices.js';
import { forEachConcurrently } from './fleet-pool.js';
import { percentile } from './report.js';

/** One member's entry in a bulk dispatch answer (POST /api/v1/device-groups/{id}/commands). */
interface BulkResultItem {
  deviceId: string;
  commandId: string | null;
  status: string;
  createdAt?: string;
  completedAt?: string | null;
  error?: { code: string; message: string };
}

interface BulkOutcome {
  bulkId: string;
  summary: Record<string, number>;
  results: BulkResultItem[];
}

interface CommandTimes {
  createdAt: string;
  completedAt: string | null;
}

export interface Spread {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export interface GroupCommandRun {
  devices: number;
  /** Client-side wall time of the one `wait: true` request: dispatch to all members and every result back. */
  requestMs: number;
  succeeded: number;
  /** Statuses other than SUCCEEDED, counted ("FAILED: 3, TIMED_OUT: 1"); empty when all succeeded. */
  others: string;
  /** Per command, the factory's own record: createdAt → completedAt (dispatch stored → result stored). */
  roundTrip: Spread;
  /** Per device, from the moment the request was sent until its `command` arrived at the simulated device. */
  arrival: Spread;
  /** How long group set-up took (create + members), not part of what is measured. */
  setupMs: number;
}

const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
};

/** Puts every device in one group, through the API as a manager would (members in chunks of 1,000). */
async function groupOf(factory: FactoryProcess, token: string, deviceIds: string[]): Promise<string> {
  const group = await factory.api<{ id: string }>('POST', '/api/v1/device-groups', { name: `bench-all-${Date.now()}`, description: 'every bench device' }, token);
  for (let i = 0; i < deviceIds.length; i += 1000) {
    await factory.api('POST', `/api/v1/device-groups/${group.id}/members`, { deviceIds: deviceIds.slice(i, i + 1000) }, token);
  }
  return group.id;
}

/**
 * A command to every connected simulated device at once, as a group dispatch with `wait: true`
 * (the answer comes when every member has a result or the wait ends). The devices answer at once
 * (SimulatedFleet), so what is measured is the factory: storing, sending and settling N commands.
 * Round trips come from the command records themselves (createdAt → completedAt), read after the
 * timed request so reading them does not load the factory while it is measured.
 */
export async function runGroupCommand(
  factory: FactoryProcess,
  managerToken: string,
  fleet: SimulatedFleet,
  deviceIds: string[],
  options: { type: string; params?: Record<string, unknown>; timeoutMs?: number },
): Promise<GroupCommandRun> {
  let started = performance.now();
  const groupId = await groupOf(factory, managerToken, deviceIds);
  const setupMs = performance.now() - started;

  const arrivalsBefore = fleet.commandArrivals.length;
  started = performance.now();
  const outcome = await factory.api<BulkOutcome>(
    'POST',
    `/api/v1/device-groups/${groupId}/commands`,
    { type: options.type, params: options.params ?? {}, wait: true, timeoutMs: options.timeoutMs ?? 30_000 },
    managerToken,
  );
  const requestMs = performance.now() - started;
  const arrivals = fleet.commandArrivals.slice(arrivalsBefore).map((a) => a.at - started);

  // The answer's items may carry their times; otherwise each command is read back (after the clock stopped).
  const times = new Map<string, CommandTimes>();
  await forEachConcurrently(outcome.results, 16, async (item) => {
    if (!item.commandId) return;
    if (item.createdAt && item.completedAt !== undefined) {
      times.set(item.commandId, { createdAt: item.createdAt, completedAt: item.completedAt });
      return;
    }
    const record = await factory.api<CommandTimes>('GET', `/api/v1/devices/${item.deviceId}/commands/${item.commandId}`, undefined, managerToken);
    times.set(item.commandId, { createdAt: record.createdAt, completedAt: record.completedAt });
  });
  const roundTrips = [...times.values()].filter((t) => t.completedAt).map((t) => Date.parse(t.completedAt!) - Date.parse(t.createdAt));

  const counts = new Map<string, number>();
  for (const item of outcome.results) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  const succeeded = counts.get('SUCCEEDED') ?? 0;
  counts.delete('SUCCEEDED');
  return {
    devices: deviceIds.length,
    requestMs,
    succeeded,
    others: [...counts].map(([status, n]) => `${status}: ${n}`).join(', '),
    roundTrip: spread(roundTrips),
    arrival: spread(arrivals),
    setupMs,
  };
}

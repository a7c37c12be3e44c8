import { createActor, fromPromise } from 'xstate';
import { CloudError } from '../../adapters/cloud/cloud-client.js';
import type { ActivatedDevice, CloudDevice } from '../../adapters/cloud/cloud-types.js';
import { type ProvisioningRecord, type ProvisioningReply, provisioningMachine, statusOf } from '../../machines/edge/provisioning.machine.js';
import { controlledPromise, flush } from './controlled-promise.js';
import { startRecorder } from './scan-fixtures.js';
import { waitFor } from './wait-for.js';

export const INSTALLATION_ID = 'inst-test-0001';
export const EMAIL = 'demo@okto.cloud';
/** Distinctive, so a search through context and records cannot miss it. */
export const PASSWORD = 'pw-Secret-9f8e7d';

export const DEVICES: CloudDevice[] = [
  { id: 'device-001', name: 'Production Line 1', companyId: 'company-001', companyName: 'Demo Factory LLC', seqNumber: '001', deviceMode: 'scan_bottles', activated: false },
  { id: 'device-002', name: 'Quality Control', companyId: 'company-001', companyName: 'Demo Factory LLC', seqNumber: '002', deviceMode: 'verify', activated: false },
];

export const ACTIVATED: ActivatedDevice = {
  deviceId: 'device-001',
  deviceIdentifier: 'edge-001_1704067200',
  companyId: 'company-001',
  companyName: 'Demo Factory LLC',
  deviceName: 'Production Line 1',
  seqNumber: '001',
  industry: 'milk',
};

/** Failures as the real cloud client reports them. */
export const CLOUD_ERRORS = {
  badCredentials: () => new CloudError('unauthorized', 'OKTO Cloud refused POST /sign_in (HTTP 401): Invalid email or password', 401),
  unreachable: () => new CloudError('unreachable', 'OKTO Cloud unreachable at http://127.0.0.1:9: connection refused (POST /sign_in)'),
  sessionExpired: () => new CloudError('unauthorized', 'OKTO Cloud refused GET /devices (HTTP 401): Invalid or expired token', 401),
  alreadyActivated: () =>
    new CloudError('conflict', 'OKTO Cloud refused POST /devices/device-001/activate (HTTP 409): Device device-001 is already activated by another installation', 409),
};

export type Saved = ProvisioningRecord | null | Error;

/**
 * A provisioning actor with its cloud faked: every sign-in, device list and activation waits for
 * the test to settle it. Records every emitted record, every reply and every actor error.
 */
export function startProvisioning(saved: Saved = null) {
  const signIn = controlledPromise<{ userToken: string }, { email: string; password: string }>();
  const listDevices = controlledPromise<CloudDevice[], { userToken: string }>();
  const activate = controlledPromise<{ deviceToken: string; device: ActivatedDevice }, { userToken: string; deviceId: string; installationId: string }>();
  const loadRecord = fromPromise<ProvisioningRecord | null, void>(async () => {
    if (saved instanceof Error) throw saved;
    return saved;
  });
  const actor = createActor(provisioningMachine.provide({ actors: { loadRecord, signIn: signIn.logic, listDevices: listDevices.logic, activate: activate.logic } }), {
    input: { installationId: INSTALLATION_ID },
  });
  const records: ProvisioningRecord[] = [];
  const errors: unknown[] = [];
  actor.on('provisioning.changed', (event) => records.push(event.record));
  actor.subscribe({ error: (error) => errors.push(error) });
  const replies = startRecorder<ProvisioningReply>();
  actor.start();
  const snapshot = () => actor.getSnapshot();
  return {
    actor,
    signIn,
    listDevices,
    activate,
    records,
    errors,
    replies,
    snapshot,
    status: () => statusOf(snapshot().value),
    /** Waits until loadRecord has been applied (the machine left `restoring`/`routing`). */
    async restored() {
      await waitFor(() => !['restoring', 'routing'].includes(String(snapshot().value)), 2000, 'provisioning to leave restoring');
    },
    /** Sends a request with replyTo. */
    request(event: { type: 'SIGN_IN'; email: string; password: string } | { type: 'FETCH_DEVICES' } | { type: 'ACTIVATE'; deviceId: string } | { type: 'DEPROVISION' }) {
      actor.send({ ...event, replyTo: replies.ref });
    },
    /** Waits for the reply number `n` (1-based) and returns it. */
    async reply(n: number): Promise<ProvisioningReply> {
      await waitFor(() => replies.events.length >= n, 2000, `reply #${n}`);
      await flush();
      return replies.events[n - 1]!;
    },
    stop() {
      actor.stop();
      replies.stop();
    },
  };
}

export type ProvisioningUnderTest = ReturnType<typeof startProvisioning>;

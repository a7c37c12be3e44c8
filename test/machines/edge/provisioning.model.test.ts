import { expect } from 'chai';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import type { ProvisioningRecord, ProvisioningReply, ProvisioningStatus } from '../../../machines/edge/provisioning.machine.js';
import { ACTIVATED, CLOUD_ERRORS, DEVICES, EMAIL, INSTALLATION_ID, PASSWORD, startProvisioning } from '../../support/provisioning-fakes.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { provisioningMachine } from '../../../machines/edge/provisioning.machine.js';

/**
 * Model-based paths over provisioning with the cloud faked. Requests (SIGN_IN, FETCH_DEVICES,
 * ACTIVATE, DEPROVISION) go to the machine with a replyTo; outcome events (SIGN_IN_OK, …,
 * UNREACHABLE) settle the cloud call in flight. A request the state does not allow is a
 * self-loop in the model: it must be answered CONFLICT with the current status at once.
 */
type ModelEvent =
  | { type: 'SIGN_IN'; email: string; password: string }
  | { type: 'FETCH_DEVICES' }
  | { type: 'ACTIVATE'; deviceId: string }
  | { type: 'DEPROVISION' }
  | { type: 'SIGN_IN_OK' }
  | { type: 'SIGN_IN_BAD' }
  | { type: 'DEVICES_OK' }
  | { type: 'ACTIVATE_OK' }
  | { type: 'ACTIVATE_CONFLICT' }
  | { type: 'SESSION_EXPIRED' }
  | { type: 'UNREACHABLE' }
  | { type: 'DEVICE_TOKEN_REJECTED' };

const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'provisioningModel',
  initial: 'NOT_PROVISIONED',
  states: {
    NOT_PROVISIONED: {
      on: {
        SIGN_IN: 'SIGNING_IN',
        FETCH_DEVICES: 'NOT_PROVISIONED',
        ACTIVATE: 'NOT_PROVISIONED',
        // Already there: answered ok, nothing to forget.
        DEPROVISION: 'NOT_PROVISIONED',
        DEVICE_TOKEN_REJECTED: 'NOT_PROVISIONED',
      },
    },
    SIGNING_IN: {
      on: {
        SIGN_IN_OK: 'SIGNED_IN',
        SIGN_IN_BAD: 'NOT_PROVISIONED',
        UNREACHABLE: 'NOT_PROVISIONED',
        SIGN_IN: 'SIGNING_IN',
        FETCH_DEVICES: 'SIGNING_IN',
        ACTIVATE: 'SIGNING_IN',
        DEPROVISION: 'SIGNING_IN',
      },
    },
    SIGNED_IN: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            FETCH_DEVICES: 'fetching',
            SIGN_IN: '#provisioningModel.SIGNING_IN',
            ACTIVATE: '#provisioningModel.ACTIVATING',
            DEPROVISION: '#provisioningModel.NOT_PROVISIONED',
            DEVICE_TOKEN_REJECTED: 'idle',
          },
        },
        fetching: {
          on: {
            DEVICES_OK: 'idle',
            SESSION_EXPIRED: '#provisioningModel.NOT_PROVISIONED',
            UNREACHABLE: 'idle',
            // One cloud call at a time.
            FETCH_DEVICES: 'fetching',
            SIGN_IN: 'fetching',
            ACTIVATE: 'fetching',
            DEPROVISION: 'fetching',
          },
        },
      },
    },
    ACTIVATING: {
      on: {
        ACTIVATE_OK: 'PROVISIONED',
        ACTIVATE_CONFLICT: 'SIGNED_IN',
        SESSION_EXPIRED: 'NOT_PROVISIONED',
        UNREACHABLE: 'SIGNED_IN',
        SIGN_IN: 'ACTIVATING',
        FETCH_DEVICES: 'ACTIVATING',
        ACTIVATE: 'ACTIVATING',
        DEPROVISION: 'ACTIVATING',
      },
    },
    PROVISIONED: {
      on: {
        DEPROVISION: 'NOT_PROVISIONED',
        SIGN_IN: 'PROVISIONED',
        FETCH_DEVICES: 'PROVISIONED',
        ACTIVATE: 'PROVISIONED',
        DEVICE_TOKEN_REJECTED: 'PROVISIONED',
      },
    },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const testModel = createTestModel(model, {
  serializeState,
  events: [
    { type: 'SIGN_IN', email: EMAIL, password: PASSWORD },
    { type: 'FETCH_DEVICES' },
    { type: 'ACTIVATE', deviceId: 'device-001' },
    { type: 'DEPROVISION' },
    { type: 'SIGN_IN_OK' },
    { type: 'SIGN_IN_BAD' },
    { type: 'DEVICES_OK' },
    { type: 'ACTIVATE_OK' },
    { type: 'ACTIVATE_CONFLICT' },
    { type: 'SESSION_EXPIRED' },
    { type: 'UNREACHABLE' },
    { type: 'DEVICE_TOKEN_REJECTED' },
  ],
});

describe('provisioning machine (model-based)', () => {
  const coverage = trackCoverage(provisioningMachine);
  // Simple paths plus transition-pair coverage (see test/support/model-paths.ts).
  const paths = coveringPaths(testModel, serializeState);

  it('has paths through every state and every transition of the model', () => {
    const reached = new Set(paths.map((p) => serializeState(p.state)));
    expect([...reached].sort()).to.deep.equal(['"ACTIVATING"', '"NOT_PROVISIONED"', '"PROVISIONED"', '"SIGNING_IN"', '{"SIGNED_IN":"fetching"}', '{"SIGNED_IN":"idle"}']);
    const covered = new Set(paths.flatMap((p) => p.steps.map((step, i) => `${i === 0 ? '"NOT_PROVISIONED"' : serializeState(p.steps[i - 1]!.state)}|${step.event.type}`)));
    const all = modelTransitions(testModel);
    expect(all.filter((edge) => !covered.has(edge))).to.deep.equal([]);
    expect(all.length).to.be.greaterThan(35);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const p = startProvisioning();
      coverage.observe(p.actor);
      await p.restored();
      let requests = 0;
      /** Requests still waiting for the cloud (0 or 1): every other request has had its one reply. */
      const inFlight = () => p.signIn.waiting().length + p.listDevices.waiting().length + p.activate.waiting().length;
      let userToken: string | null = null;
      let deviceToken: string | null = null;
      let tokens = 0;
      const fresh = (kind: string) => `${kind}-token-${++tokens}`;
      const modelState = { value: 'NOT_PROVISIONED' as unknown };

      const request = async (event: Parameters<typeof p.request>[0]) => {
        p.request(event);
        requests++;
        await p.reply(requests - inFlight());
      };
      /** A request the state does not allow: CONFLICT with the status it was sent in, nothing started. */
      const expectRefused = async (event: Parameters<typeof p.request>[0]) => {
        const status = p.status();
        const value = JSON.stringify(p.snapshot().value);
        const calls = p.signIn.calls.length + p.listDevices.calls.length + p.activate.calls.length;
        await request(event);
        expect(p.replies.events.at(-1)).to.deep.equal({ type: 'provisioning.reply', ok: false, status, kind: 'CONFLICT', message: `Not allowed while ${status}` });
        expect(JSON.stringify(p.snapshot().value)).to.equal(value);
        expect(p.signIn.calls.length + p.listDevices.calls.length + p.activate.calls.length).to.equal(calls);
      };
      /** Settles the call in flight and returns the reply its request gets. */
      const settle = async (how: () => void): Promise<ProvisioningReply> => {
        const before = p.replies.events.length;
        how();
        return p.reply(before + 1);
      };
      const lastRecord = () => p.records.at(-1)!;
      const common = (s: { value: unknown }, status: ProvisioningStatus) => {
        modelState.value = s.value;
        expect(p.status()).to.equal(status);
        expect(p.errors).to.deep.equal([]);
        expect(p.replies.events).to.have.length(requests - inFlight());
        expect(JSON.stringify(p.snapshot().context)).to.not.include(PASSWORD);
        expect(JSON.stringify(p.records)).to.not.include(PASSWORD);
        expect(p.snapshot().context.installationId).to.equal(INSTALLATION_ID);
      };

      try {
        await path.test({
          states: {
            NOT_PROVISIONED: (s) => {
              common(s, 'NOT_PROVISIONED');
              expect(p.snapshot().value).to.equal('NOT_PROVISIONED');
              expect(p.snapshot().context).to.deep.include({ userToken: null, deviceToken: null, device: null });
              expect(inFlight()).to.equal(0);
              expect(lastRecord()).to.deep.include({ status: 'NOT_PROVISIONED', userToken: null, deviceToken: null, device: null });
            },
            SIGNING_IN: (s) => {
              common(s, 'SIGNING_IN');
              expect(p.signIn.open().input).to.deep.equal({ email: EMAIL, password: PASSWORD });
            },
            'SIGNED_IN.idle': (s) => {
              common(s, 'SIGNED_IN');
              expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'idle' });
              expect(p.snapshot().context).to.deep.include({ userToken, deviceToken: null, device: null, email: EMAIL });
              expect(inFlight()).to.equal(0);
              expect(lastRecord()).to.deep.include({ status: 'SIGNED_IN', userToken, deviceToken: null });
            },
            'SIGNED_IN.fetching': (s) => {
              common(s, 'SIGNED_IN');
              expect(p.snapshot().value).to.deep.equal({ SIGNED_IN: 'fetching' });
              expect(p.listDevices.open().input).to.deep.equal({ userToken });
            },
            ACTIVATING: (s) => {
              common(s, 'ACTIVATING');
              expect(p.activate.open().input).to.deep.equal({ userToken, deviceId: 'device-001', installationId: INSTALLATION_ID });
            },
            PROVISIONED: (s) => {
              common(s, 'PROVISIONED');
              expect(p.snapshot().context).to.deep.include({ deviceToken, device: ACTIVATED });
              expect(inFlight()).to.equal(0);
              expect(lastRecord()).to.deep.include({ status: 'PROVISIONED', deviceToken, device: ACTIVATED, email: EMAIL });
            },
          },
          events: {
            SIGN_IN: async ({ event }) => {
              const e = event as Extract<ModelEvent, { type: 'SIGN_IN' }>;
              if (['NOT_PROVISIONED', 'SIGNED_IN.idle'].includes(modelValue(modelState.value))) {
                await request({ type: 'SIGN_IN', email: e.email, password: e.password });
                expect(p.status()).to.equal('SIGNING_IN');
                expect(p.snapshot().context.error).to.equal(null);
              } else {
                await expectRefused({ type: 'SIGN_IN', email: e.email, password: e.password });
              }
            },
            FETCH_DEVICES: async () => {
              if (modelValue(modelState.value) === 'SIGNED_IN.idle') await request({ type: 'FETCH_DEVICES' });
              else await expectRefused({ type: 'FETCH_DEVICES' });
            },
            ACTIVATE: async ({ event }) => {
              const { deviceId } = event as Extract<ModelEvent, { type: 'ACTIVATE' }>;
              if (modelValue(modelState.value) === 'SIGNED_IN.idle') await request({ type: 'ACTIVATE', deviceId });
              else await expectRefused({ type: 'ACTIVATE', deviceId });
            },
            DEPROVISION: async () => {
              const from = modelValue(modelState.value);
              if (['NOT_PROVISIONED', 'SIGNED_IN.idle', 'PROVISIONED'].includes(from)) {
                await request({ type: 'DEPROVISION' });
                expect(p.replies.events.at(-1)).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'NOT_PROVISIONED' });
                // Everything that identified the cloud account and the device is forgotten.
                expect(p.snapshot().context).to.deep.include({ userToken: null, deviceToken: null, device: null });
                if (from !== 'NOT_PROVISIONED') expect(p.snapshot().context).to.deep.include({ email: null, error: null, devices: [] });
                userToken = deviceToken = null;
              } else {
                await expectRefused({ type: 'DEPROVISION' });
              }
            },
            DEVICE_TOKEN_REJECTED: () => {
              p.actor.send({ type: 'DEVICE_TOKEN_REJECTED' });
              if (modelValue(modelState.value) === 'PROVISIONED') {
                expect(p.snapshot().context.error).to.equal('The cloud rejected this device token: deprovision and activate again');
                expect(lastRecord().error).to.equal('The cloud rejected this device token: deprovision and activate again');
              }
            },
            SIGN_IN_OK: async () => {
              userToken = fresh('user');
              const reply = await settle(() => p.signIn.open().resolve({ userToken: userToken! }));
              expect(reply).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'SIGNED_IN' });
            },
            SIGN_IN_BAD: async () => {
              const reply = await settle(() => p.signIn.open().reject(CLOUD_ERRORS.badCredentials()));
              expect(reply).to.deep.include({ ok: false, status: 'NOT_PROVISIONED', kind: 'UNAUTHORIZED' });
              expect(p.snapshot().context.error).to.match(/^Sign-in failed: .*Invalid email or password$/);
              userToken = null;
            },
            DEVICES_OK: async () => {
              const reply = await settle(() => p.listDevices.open().resolve(DEVICES));
              expect(reply).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'SIGNED_IN', devices: DEVICES });
            },
            ACTIVATE_OK: async () => {
              deviceToken = fresh('device');
              const reply = await settle(() => p.activate.open().resolve({ deviceToken: deviceToken!, device: ACTIVATED }));
              expect(reply).to.deep.equal({ type: 'provisioning.reply', ok: true, status: 'PROVISIONED' });
              expect(p.snapshot().context.error).to.equal(null);
            },
            ACTIVATE_CONFLICT: async () => {
              const reply = await settle(() => p.activate.open().reject(CLOUD_ERRORS.alreadyActivated()));
              expect(reply).to.deep.include({ ok: false, status: 'SIGNED_IN', kind: 'CONFLICT' });
              expect(p.snapshot().context.error).to.match(/^Activation refused: .*already activated by another installation$/);
              expect(lastRecord().error).to.equal(p.snapshot().context.error);
            },
            SESSION_EXPIRED: async () => {
              const call = modelValue(modelState.value) === 'ACTIVATING' ? p.activate : p.listDevices;
              const reply = await settle(() => call.open().reject(CLOUD_ERRORS.sessionExpired()));
              expect(reply).to.deep.equal({ type: 'provisioning.reply', ok: false, status: 'NOT_PROVISIONED', kind: 'UNAUTHORIZED', message: 'Cloud session expired: sign in again' });
              expect(p.snapshot().context.error).to.equal('Cloud session expired: sign in again');
              userToken = null;
            },
            UNREACHABLE: async () => {
              const from = modelValue(modelState.value);
              const call = from === 'SIGNING_IN' ? p.signIn : from === 'ACTIVATING' ? p.activate : p.listDevices;
              const reply = await settle(() => call.open().reject(CLOUD_ERRORS.unreachable()));
              expect(reply).to.deep.include({ ok: false, kind: 'UNAVAILABLE', status: from === 'SIGNING_IN' ? 'NOT_PROVISIONED' : 'SIGNED_IN' });
              expect(reply.ok === false && reply.message).to.match(/OKTO Cloud unreachable/);
              if (from === 'SIGNING_IN') {
                expect(p.snapshot().context.error).to.match(/^Sign-in failed: OKTO Cloud unreachable/);
                userToken = null;
              }
              if (from === 'ACTIVATING') expect(p.snapshot().context.error).to.match(/unreachable/);
            },
          },
        });
      } finally {
        p.stop();
      }

      /** The model state an event is sent in, as a dotted name. */
      function modelValue(value: unknown): string {
        return typeof value === 'string' ? value : `SIGNED_IN.${(value as { SIGNED_IN: string }).SIGNED_IN}`;
      }
    });
  }

  // Every path above starts from an empty saved record; this is the other way into NOT_PROVISIONED.
  it('starts NOT_PROVISIONED, saying why, when the saved record cannot be read', async () => {
    const p = startProvisioning(new Error('SQLITE_CORRUPT: database disk image is malformed'));
    coverage.observe(p.actor);
    try {
      await p.restored();
      expect(p.status()).to.equal('NOT_PROVISIONED');
      expect(p.snapshot().context.error).to.equal('Could not read the saved provisioning: SQLITE_CORRUPT: database disk image is malformed');
      expect(p.errors).to.deep.equal([]);
    } finally {
      p.actor.stop();
      p.replies.stop();
    }
  });

  // And the saved records a restart routes from: each to the state it names, an incomplete one to NOT_PROVISIONED.
  const saved = (record: Partial<ProvisioningRecord>): ProvisioningRecord => ({ status: 'NOT_PROVISIONED', email: null, userToken: null, deviceToken: null, device: null, error: null, ...record });
  for (const [record, status] of [
    [saved({ status: 'PROVISIONED', email: EMAIL, deviceToken: 'dev-token', device: ACTIVATED }), 'PROVISIONED'],
    [saved({ status: 'SIGNED_IN', email: EMAIL, userToken: 'user-token' }), 'SIGNED_IN'],
    [saved({ status: 'PROVISIONED', email: EMAIL, deviceToken: null, device: ACTIVATED }), 'NOT_PROVISIONED'],
  ] as const) {
    it(`restarts ${status} from a saved ${record.status} record${record.status !== status ? ' without its token' : ''}`, async () => {
      const p = startProvisioning(record);
      coverage.observe(p.actor);
      try {
        await p.restored();
        expect(p.status()).to.equal(status);
        expect(p.errors).to.deep.equal([]);
      } finally {
        p.actor.stop();
        p.replies.stop();
      }
    });
  }

  itCoversTheWholeMachine(coverage);
});

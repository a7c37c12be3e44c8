import { expect } from 'chai';
import { setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { connectionMachine, imposedReason, type ModeSource } from '../../../machines/edge/connection.machine.js';
import type { ConnectionMode } from '../../../src/domain/connection-mode.js';
import { itCoversTheWholeMachine, trackCoverage } from '../../support/machine-coverage.js';
import { coveringPaths, modelTransitions } from '../../support/model-paths.js';
import { type ConnectionRig, startConnectionRig } from '../../support/connection-fixtures.js';

/**
 * Model-based paths over what decides where the edge sends: the mode and who set it (chosen
 * here, or forced by the factory to either mode) and whether the edge is provisioned with the
 * cloud. Replayed against the real machine with storage that answers at once; every state checks
 * the mode, its reason, and the target the sync queue was last told.
 */
type ModelEvent =
  | { type: 'CHOOSE_DIRECT' }
  | { type: 'CHOOSE_VIA' }
  | { type: 'FACTORY_FORCES_DIRECT' }
  | { type: 'FACTORY_FORCES_VIA' }
  | { type: 'FACTORY_ALLOWS' }
  | { type: 'PROVISIONED' }
  | { type: 'DEPROVISIONED' };

// A self-loop needs an action: XState drops a transition with neither target nor action, so
// xstate/graph would never offer the event (docs/MODEL_TESTS.md).
const stay = { actions: 'stay' } as const;
const model = setup({ types: { events: {} as ModelEvent }, actions: { stay: () => {} } }).createMachine({
  id: 'connection',
  type: 'parallel',
  states: {
    mode: {
      initial: 'chosenDirect',
      states: {
        chosenDirect: { on: { CHOOSE_DIRECT: stay, CHOOSE_VIA: 'chosenVia', FACTORY_FORCES_DIRECT: 'forcedDirect', FACTORY_FORCES_VIA: 'forcedVia', FACTORY_ALLOWS: stay } },
        chosenVia: { on: { CHOOSE_DIRECT: 'chosenDirect', CHOOSE_VIA: stay, FACTORY_FORCES_DIRECT: 'forcedDirect', FACTORY_FORCES_VIA: 'forcedVia', FACTORY_ALLOWS: stay } },
        // A local choice of the other mode is refused; of the imposed one, accepted: the mode stays
        // (the machine saves it again and records it as CHOSEN, see `source` below).
        forcedDirect: { on: { CHOOSE_DIRECT: stay, CHOOSE_VIA: stay, FACTORY_FORCES_DIRECT: stay, FACTORY_FORCES_VIA: 'forcedVia', FACTORY_ALLOWS: 'chosenDirect' } },
        forcedVia: { on: { CHOOSE_DIRECT: stay, CHOOSE_VIA: stay, FACTORY_FORCES_DIRECT: 'forcedDirect', FACTORY_FORCES_VIA: stay, FACTORY_ALLOWS: 'chosenVia' } },
      },
    },
    record: {
      initial: 'none',
      states: {
        none: { on: { PROVISIONED: 'provisioned', DEPROVISIONED: stay } },
        provisioned: { on: { DEPROVISIONED: 'none', PROVISIONED: stay } },
      },
    },
  },
});

const serializeState = (s: { value: unknown }) => JSON.stringify(s.value);
const EVENTS: ModelEvent[] = ['CHOOSE_DIRECT', 'CHOOSE_VIA', 'FACTORY_FORCES_DIRECT', 'FACTORY_FORCES_VIA', 'FACTORY_ALLOWS', 'PROVISIONED', 'DEPROVISIONED'].map(
  (type) => ({ type }) as ModelEvent,
);
const testModel = createTestModel(model, { serializeState, events: EVENTS });
const settings = (defaultMode: ConnectionMode, allowDeviceOverride: boolean) => ({ type: 'FACTORY_SETTINGS', settings: { defaultMode, allowDeviceOverride, cloudSyncEnabled: true } });
const NOT_PROVISIONED = 'Not provisioned: sign in and activate a device (DIRECT_CLOUD mode)';

describe('connection machine (model-based)', () => {
  const paths = coveringPaths(testModel, serializeState);
  const coverage = trackCoverage(connectionMachine);

  it('has paths reaching all 8 states and covering every transition', () => {
    expect(new Set(paths.map((p) => serializeState(p.state))).size).to.equal(8);
    const walked = new Set(paths.flatMap((p) => p.steps.slice(1).map((s, i) => `${serializeState(p.steps[i]!.state)}|${(s.event as { type: string }).type}`)));
    for (const transition of modelTransitions(testModel)) expect(walked, transition).to.include(transition);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const rig: ConnectionRig = await startConnectionRig({ inspect: coverage.inspect });
      let factoryDefault: ConnectionMode = 'DIRECT_CLOUD';
      /**
       * Who set the mode, as the steps so far say: the configuration until a choice is saved or
       * the factory imposes one; a saved choice (also of the imposed mode while forced) is CHOSEN;
       * the factory's allowance turns FORCED_BY_FACTORY into CHOSEN and leaves the rest.
       */
      let source: ModeSource = 'CONFIGURED';
      const expectMode = (mode: ConnectionMode) => {
        expect(rig.context()).to.include({ mode, source });
        expect(rig.state()).to.equal('idle');
      };
      const provisioned = () => rig.context().deviceToken !== null;
      /** The queue was last told what the mode and the record give. */
      const expectTarget = () => {
        const { mode } = rig.context();
        const ready = mode === 'VIA_LOCAL_SERVER' || provisioned();
        expect(rig.lastTarget()).to.deep.equal({ type: 'TARGET', ready, reason: ready ? null : NOT_PROVISIONED });
      };
      const choose = async (mode: ConnectionMode) => {
        const forced = rig.context().settings?.allowDeviceOverride === false;
        const reply = await rig.setMode(mode);
        if (forced && mode !== factoryDefault) expect(reply).to.deep.include({ ok: false });
        else {
          expect(reply).to.deep.equal({ type: 'connection.reply', ok: true, mode });
          source = 'CHOSEN';
        }
      };
      try {
        await path.test({
          states: {
            'mode.chosenDirect': () => {
              expectMode('DIRECT_CLOUD');
              expectTarget();
            },
            'mode.chosenVia': () => {
              expectMode('VIA_LOCAL_SERVER');
              expect(source).to.equal('CHOSEN');
              expectTarget();
            },
            'mode.forcedDirect': () => {
              expectMode('DIRECT_CLOUD');
              expect(rig.context().settings).to.include({ allowDeviceOverride: false, defaultMode: 'DIRECT_CLOUD' });
              expect(imposedReason('DIRECT_CLOUD')).to.match(/DIRECT_CLOUD/);
              expectTarget();
            },
            'mode.forcedVia': () => {
              expectMode('VIA_LOCAL_SERVER');
              expect(rig.context().settings).to.include({ allowDeviceOverride: false, defaultMode: 'VIA_LOCAL_SERVER' });
              expectTarget();
            },
            'record.none': () => void expect(provisioned()).to.equal(false),
            'record.provisioned': () => void expect(provisioned()).to.equal(true),
          },
          events: {
            CHOOSE_DIRECT: () => choose('DIRECT_CLOUD'),
            CHOOSE_VIA: () => choose('VIA_LOCAL_SERVER'),
            FACTORY_FORCES_DIRECT: async () => {
              factoryDefault = 'DIRECT_CLOUD';
              source = 'FORCED_BY_FACTORY';
              await rig.send(settings('DIRECT_CLOUD', false));
            },
            FACTORY_FORCES_VIA: async () => {
              factoryDefault = 'VIA_LOCAL_SERVER';
              source = 'FORCED_BY_FACTORY';
              await rig.send(settings('VIA_LOCAL_SERVER', false));
            },
            FACTORY_ALLOWS: async () => {
              if (source === 'FORCED_BY_FACTORY') source = 'CHOSEN';
              await rig.send(settings(factoryDefault, true));
            },
            PROVISIONED: () => rig.send({ type: 'PROVISIONING_CHANGED', status: 'PROVISIONED', deviceToken: 'dev-token-1' }),
            DEPROVISIONED: () => rig.send({ type: 'PROVISIONING_CHANGED', status: 'NOT_PROVISIONED', deviceToken: null }),
          },
        });
      } finally {
        rig.stop();
      }
    });
  }


  // What the model leaves out (storage failing, tokens refused upstream, a re-announcement),
  // taken on the real machine with the same coverage so the whole-machine check below counts it.
  // Plain `it`s, not a nested describe: mocha would run that after the check.
  const beyondTheModel = (title: string, options: Parameters<typeof startConnectionRig>[0], body: (rig: ConnectionRig) => Promise<void>) =>
    it(`beyond the model: ${title}`, async () => {
      const rig = await startConnectionRig({ ...options, inspect: coverage.inspect });
      try {
        await body(rig);
      } finally {
        rig.stop();
      }
    });

  const unreadable = { input: { configuredMode: 'VIA_LOCAL_SERVER' as const }, restored: new Error('SQLITE_BUSY') };
  beyondTheModel('storage that cannot be read: the configured mode, and the queue is told its target', unreadable, async (rig) => {
    expect(rig.state()).to.equal('idle');
    expect(rig.context()).to.include({ mode: 'VIA_LOCAL_SERVER', source: 'CONFIGURED' });
    expect(rig.lastTarget()).to.deep.equal({ type: 'TARGET', ready: true, reason: null });
  });

  beyondTheModel('a choice that cannot be saved: the mode stays, the requester gets UNAVAILABLE, the failure is emitted', {}, async (rig) => {
    rig.storage.saveFails = true;
    const reply = await rig.setMode('VIA_LOCAL_SERVER');
    expect(reply).to.deep.include({ ok: false });
    expect((reply as { error: { kind: string } }).error.kind).to.equal('UNAVAILABLE');
    expect(rig.state()).to.equal('idle');
    expect(rig.context()).to.include({ mode: 'DIRECT_CLOUD', source: 'CONFIGURED' });
    expect(rig.context().pending).to.deep.equal([]);
    expect(rig.emitted.map((e) => e.type)).to.include('connection.modeSwitchFailed');
  });

  beyondTheModel('a cloud 401 marks the device token and asks provisioning to record it', {}, async (rig) => {
    await rig.send({ type: 'PROVISIONING_CHANGED', status: 'PROVISIONED', deviceToken: 'dev-token-1' });
    await rig.send({ type: 'SYNC_UNAUTHORIZED' });
    expect(rig.context().rejectedToken).to.equal('dev-token-1');
    expect(rig.toProvisioning).to.deep.equal([{ type: 'DEVICE_TOKEN_REJECTED' }]);
  });

  const restoredVia = { restored: { mode: 'VIA_LOCAL_SERVER' as const, deviceToken: null } };
  beyondTheModel("a factory 401 stops sync to the factory and is not taken for the cloud's", restoredVia, async (rig) => {
    await rig.send({ type: 'FACTORY_TOKEN_REFUSED' });
    await rig.send({ type: 'SYNC_UNAUTHORIZED' });
    expect(rig.toProvisioning).to.deep.equal([]);
    expect(rig.emitted).to.deep.include({ type: 'connection.factoryRefused' });
    expect(rig.lastTarget()).to.deep.equal({
      type: 'TARGET',
      ready: false,
      reason: 'The factory server rejected the device token: issue a new one at the factory and set FACTORY_DEVICE_TOKEN',
    });
  });

  beyondTheModel('ANNOUNCE_TARGET tells the queue its target again', {}, async (rig) => {
    const before = rig.toQueue.length;
    await rig.send({ type: 'ANNOUNCE_TARGET' });
    expect(rig.toQueue.slice(before)).to.deep.equal([{ type: 'TARGET', ready: false, reason: NOT_PROVISIONED }]);
  });

  itCoversTheWholeMachine(coverage);
});

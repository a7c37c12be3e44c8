import { expect } from 'chai';
import { setup } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { imposedReason } from '../../../machines/edge/connection.machine.js';
import type { ConnectionMode } from '../../../src/domain/connection-mode.js';
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

const model = setup({ types: { events: {} as ModelEvent } }).createMachine({
  id: 'connection',
  type: 'parallel',
  states: {
    mode: {
      initial: 'chosenDirect',
      states: {
        chosenDirect: { on: { CHOOSE_DIRECT: {}, CHOOSE_VIA: 'chosenVia', FACTORY_FORCES_DIRECT: 'forcedDirect', FACTORY_FORCES_VIA: 'forcedVia', FACTORY_ALLOWS: {} } },
        chosenVia: { on: { CHOOSE_DIRECT: 'chosenDirect', CHOOSE_VIA: {}, FACTORY_FORCES_DIRECT: 'forcedDirect', FACTORY_FORCES_VIA: 'forcedVia', FACTORY_ALLOWS: {} } },
        // A local choice of the other mode is refused; of the imposed one, accepted (nothing changes).
        forcedDirect: { on: { CHOOSE_DIRECT: {}, CHOOSE_VIA: {}, FACTORY_FORCES_DIRECT: {}, FACTORY_FORCES_VIA: 'forcedVia', FACTORY_ALLOWS: 'chosenDirect' } },
        forcedVia: { on: { CHOOSE_DIRECT: {}, CHOOSE_VIA: {}, FACTORY_FORCES_DIRECT: 'forcedDirect', FACTORY_FORCES_VIA: {}, FACTORY_ALLOWS: 'chosenVia' } },
      },
    },
    record: {
      initial: 'none',
      states: {
        none: { on: { PROVISIONED: 'provisioned', DEPROVISIONED: {} } },
        provisioned: { on: { DEPROVISIONED: 'none', PROVISIONED: {} } },
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

  it('has paths reaching all 8 states and covering every transition', () => {
    expect(new Set(paths.map((p) => serializeState(p.state))).size).to.equal(8);
    const walked = new Set(paths.flatMap((p) => p.steps.slice(1).map((s, i) => `${serializeState(p.steps[i]!.state)}|${(s.event as { type: string }).type}`)));
    for (const transition of modelTransitions(testModel)) expect(walked, transition).to.include(transition);
  });

  for (const path of paths) {
    it(path.description, async () => {
      const rig: ConnectionRig = await startConnectionRig();
      let factoryDefault: ConnectionMode = 'DIRECT_CLOUD';
      const expectMode = (mode: ConnectionMode, source: string) => {
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
        else expect(reply).to.deep.equal({ type: 'connection.reply', ok: true, mode });
      };
      try {
        await path.test({
          states: {
            'mode.chosenDirect': () => {
              expectMode('DIRECT_CLOUD', rig.context().settings || rig.saved.length > 0 ? 'CHOSEN' : 'CONFIGURED');
              expectTarget();
            },
            'mode.chosenVia': () => {
              expectMode('VIA_LOCAL_SERVER', 'CHOSEN');
              expectTarget();
            },
            'mode.forcedDirect': () => {
              expectMode('DIRECT_CLOUD', 'FORCED_BY_FACTORY');
              expect(rig.context().settings).to.include({ allowDeviceOverride: false, defaultMode: 'DIRECT_CLOUD' });
              expect(imposedReason('DIRECT_CLOUD')).to.match(/DIRECT_CLOUD/);
              expectTarget();
            },
            'mode.forcedVia': () => {
              expectMode('VIA_LOCAL_SERVER', 'FORCED_BY_FACTORY');
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
              await rig.send(settings('DIRECT_CLOUD', false));
            },
            FACTORY_FORCES_VIA: async () => {
              factoryDefault = 'VIA_LOCAL_SERVER';
              await rig.send(settings('VIA_LOCAL_SERVER', false));
            },
            FACTORY_ALLOWS: () => rig.send(settings(factoryDefault, true)),
            PROVISIONED: () => rig.send({ type: 'PROVISIONING_CHANGED', status: 'PROVISIONED', deviceToken: 'dev-token-1' }),
            DEPROVISIONED: () => rig.send({ type: 'PROVISIONING_CHANGED', status: 'NOT_PROVISIONED', deviceToken: null }),
          },
        });
      } finally {
        rig.stop();
      }
    });
  }
});

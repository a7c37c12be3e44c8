import type { JournalRecordEvent } from '../domain/journal-record.js';
import { featureName as nameOf, startFeatures as startEach } from '../runtime/start-features.js';
import type { DisabledFeature, EdgeContext, EdgeExtension, EdgeExtensionFactory } from './extension.js';

/** A feature's name before it exists: its factory's, without the `Extension` suffix (`printersExtension` → `printers`). */
export const featureName: (create: EdgeExtensionFactory) => string = nameOf;

/**
 * Builds the features in list order. One whose construction throws is left out — disabled,
 * journaled (an alarm a person acknowledges) and kept for /health (degraded) — and the service
 * starts without it, as zigbee2mqtt does with a failing extension: one broken feature must not
 * take the line down. Features after it still start; one that needed its service copes with the
 * service's absence (every service is optional).
 */
export function startFeatures(
  factories: readonly EdgeExtensionFactory[],
  context: EdgeContext,
  now: () => Date = () => new Date(),
): Promise<{ extensions: EdgeExtension[]; disabled: DisabledFeature[] }> {
  return startEach(
    factories,
    context,
    ({ name, error: message }, error) => {
      context.logger.error({ err: error, feature: name }, 'feature failed to start: it is disabled, the service runs without it');
      const record: JournalRecordEvent = {
        type: 'journal.record',
        severity: 'alarm',
        category: 'system',
        source: `feature.${name}`,
        messageKey: 'system.feature_disabled',
        params: { feature: name, error: message },
      };
      context.bus.publish(record);
    },
    now,
  );
}

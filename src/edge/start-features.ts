import type { JournalRecordEvent } from '../domain/journal-record.js';
import type { DisabledFeature, EdgeContext, EdgeExtension, EdgeExtensionFactory } from './extension.js';

/** A feature's name before it exists: its factory's, without the `Extension` suffix (`printersExtension` → `printers`). */
export function featureName(create: EdgeExtensionFactory): string {
  return create.name.replace(/Extension$/, '') || 'anonymous';
}

/**
 * Builds the features in list order. One whose construction throws is left out — disabled,
 * journaled (an alarm a person acknowledges) and kept for /health (degraded) — and the service
 * starts without it, as zigbee2mqtt does with a failing extension: one broken feature must not
 * take the line down. Features after it still start; one that needed its service copes with the
 * service's absence (every service is optional).
 */
export async function startFeatures(
  factories: readonly EdgeExtensionFactory[],
  context: EdgeContext,
  now: () => Date = () => new Date(),
): Promise<{ extensions: EdgeExtension[]; disabled: DisabledFeature[] }> {
  const extensions: EdgeExtension[] = [];
  const disabled: DisabledFeature[] = [];
  for (const create of factories) {
    const name = featureName(create);
    try {
      extensions.push(await create(context));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      disabled.push({ name, error: message, at: now().toISOString() });
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
    }
  }
  return { extensions, disabled };
}

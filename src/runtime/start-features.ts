/** A feature whose construction threw: left out, reported, and shown in /health. */
export interface DisabledFeature {
  name: string;
  error: string;
  at: string;
}

/** A feature's name before it exists: its factory's, without the `Extension` suffix (`printersExtension` → `printers`). */
export function featureName(create: { name: string }): string {
  return create.name.replace(/Extension$/, '') || 'anonymous';
}

/**
 * Builds features in list order (the edge's and the factory's). One whose construction throws is
 * left out and handed to `onDisabled` (the service reports it its own way) and kept for /health
 * (degraded); the service starts without it, as zigbee2mqtt does with a failing extension. Features
 * after it still start; one that needed its service copes with the service's absence.
 */
export async function startFeatures<TContext, TFeature>(
  factories: readonly ((context: TContext) => TFeature | Promise<TFeature>)[],
  context: TContext,
  onDisabled: (feature: DisabledFeature, error: unknown) => void | Promise<void>,
  now: () => Date = () => new Date(),
): Promise<{ extensions: TFeature[]; disabled: DisabledFeature[] }> {
  const extensions: TFeature[] = [];
  const disabled: DisabledFeature[] = [];
  for (const create of factories) {
    const name = featureName(create);
    try {
      extensions.push(await create(context));
    } catch (error) {
      const feature = { name, error: error instanceof Error ? error.message : String(error), at: now().toISOString() };
      disabled.push(feature);
      await onDisabled(feature, error);
    }
  }
  return { extensions, disabled };
}

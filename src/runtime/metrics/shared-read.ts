/**
 * One read shared by the gauges that show parts of it: prom-client collects a registry's metrics
 * concurrently, so the gauges of one scrape all join the read already in flight instead of each
 * querying again (or reading a value another gauge has not set yet).
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

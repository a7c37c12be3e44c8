/**
 * What a benchmark run must undo whatever way it ends: child processes, temp dirs, bench
 * databases. Steps run newest first (a database is dropped only after the server using it has
 * stopped). Ctrl-C runs them too, then exits 130; a plain `process.exit` still kills the
 * children and removes the dirs synchronously (dropping a database needs the async path).
 */
type Step = { name: string; run: () => Promise<void> | void; sync?: () => void };

const steps: Step[] = [];
let running: Promise<void> | null = null;

/** Registers an undo step; returns a function that runs it now (once) and forgets it. */
export function onCleanup(name: string, run: () => Promise<void> | void, sync?: () => void): () => Promise<void> {
  const step: Step = { name, run, ...(sync ? { sync } : {}) };
  steps.push(step);
  return async () => {
    const index = steps.indexOf(step);
    if (index < 0) return;
    steps.splice(index, 1);
    await step.run();
  };
}

/** Runs every registered step, newest first; a failing step is reported and the rest still run. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (steps.length > 0) {
      const step = steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup "${step.name}" failed:`, error);
      }
    }
  })();
  return running;
}

let installed = false;

/**
 * SIGINT/SIGTERM: clean up and exit. A second signal more than 2 s later exits at once (the exit
 * hook still kills the children); one sooner is the same Ctrl-C arriving twice — from the
 * terminal to the whole process group and relayed again by tsx — and is ignored.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  let signalledAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalledAt !== 0) {
      if (Date.now() - signalledAt > 2000) process.exit(130);
      return;
    }
    signalledAt = Date.now();
    console.error(`\n${signal}: cleaning up…`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    for (const step of steps.splice(0).reverse()) {
      try {
        step.sync?.();
      } catch {
        // exiting anyway
      }
    }
  });
}

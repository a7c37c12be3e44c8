import type { Logger } from './logger.js';

/**
 * Graceful stop on SIGINT/SIGTERM: the first signal runs `handler` once (drain the scan line so
 * every acknowledged code is on disk, close servers), then exits. A second signal, or a handler
 * that hangs past `forceAfterMs`, forces the exit: an operator pressing Ctrl-C twice, or systemd
 * about to SIGKILL, must not be held hostage by a stuck drain.
 */
export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

export interface ShutdownOptions {
  /** Default 30 s. */
  forceAfterMs?: number;
  /** Injectable for tests. */
  process?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  exit?: (code: number) => void;
}

const SIGNALS: ShutdownSignal[] = ['SIGINT', 'SIGTERM'];
/** Conventional 128 + signal number, so supervisors can tell a forced stop from a clean one. */
const FORCED_EXIT_CODE: Record<ShutdownSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export function onShutdownSignals(
  handler: (signal: ShutdownSignal) => Promise<void>,
  logger: Logger,
  options: ShutdownOptions = {},
): () => void {
  const proc = options.process ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const forceAfterMs = options.forceAfterMs ?? 30_000;
  let shuttingDown = false;
  let exited = false;
  const exitOnce = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const onSignal = (signal: ShutdownSignal) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: forcing exit');
      exitOnce(FORCED_EXIT_CODE[signal]);
      return;
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down (send the signal again to force)');
    const force = setTimeout(() => {
      logger.error({ signal, forceAfterMs }, 'shutdown did not finish in time: forcing exit');
      exitOnce(FORCED_EXIT_CODE[signal]);
    }, forceAfterMs);
    force.unref();
    // Promise.resolve().then: a handler that throws synchronously is treated like one that rejects.
    Promise.resolve()
      .then(() => handler(signal))
      .then(
        () => exitOnce(0),
        (error: unknown) => {
          logger.error({ err: error, signal }, 'shutdown failed');
          exitOnce(1);
        },
      )
      .finally(() => clearTimeout(force));
  };

  const listeners = SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) proc.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) proc.off(signal, listener);
  };
}

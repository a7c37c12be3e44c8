import type { InspectionEvent } from 'xstate';
import { createInspectServer, type InspectServer } from './inspect-server.js';
import type { Logger } from './logger.js';
import { createTraceWriter, type TraceWriter } from './trace-file.js';

/**
 * Local-only actor inspection, off unless asked for (`--trace FILE`, `--inspect`): a JSONL trace
 * file, the Stately inspector UI served on 127.0.0.1, or both. Never a hosted inspector: events
 * carry production codes and must not leave the site.
 *
 * `inspect` is undefined when nothing is enabled, so callers pass no `inspect` option to XState at
 * all: even a no-op inspector costs ~45% of actor throughput (REFERENCE.md).
 */
export interface InspectionOptions {
  traceFile?: string;
  inspectServer?: boolean;
  /** Port of the inspector page; 0 (default) = any free port, logged. */
  inspectPort?: number;
  logger: Logger;
}

export interface Inspection {
  inspect?: (event: InspectionEvent) => void;
  /** Inspector page URL once listening (only with `inspectServer`). */
  inspectUrl?: Promise<string>;
  close(): Promise<void>;
}

export function createInspection(options: InspectionOptions): Inspection {
  const trace: TraceWriter | undefined = options.traceFile ? createTraceWriter(options.traceFile, options.logger) : undefined;
  const server: InspectServer | undefined = options.inspectServer
    ? createInspectServer({ port: options.inspectPort, logger: options.logger })
    : undefined;
  if (trace) options.logger.info({ file: options.traceFile }, 'writing actor trace');

  const sinks = [trace, server].filter((s): s is TraceWriter | InspectServer => s !== undefined);
  let failures = 0;
  // XState calls inspectors inside its transition without a try/catch: a throw here would break
  // the actor being inspected, so a sink failure is logged (a few times) and swallowed.
  const inspect =
    sinks.length === 0
      ? undefined
      : (event: InspectionEvent) => {
          for (const sink of sinks) {
            try {
              sink.inspect(event);
            } catch (error) {
              if (failures++ < 5) options.logger.warn({ err: error, type: event.type }, 'inspection sink failed');
            }
          }
        };

  return {
    inspect,
    inspectUrl: server?.ready,
    async close() {
      await Promise.all(sinks.map((sink) => sink.close()));
    },
  };
}

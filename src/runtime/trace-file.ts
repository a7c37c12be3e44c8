import fs from 'node:fs';
import type { InspectionEvent } from 'xstate';
import type { Logger } from './logger.js';
import { redactingReplacer } from './redact.js';

/**
 * JSONL trace of an actor system (`--trace FILE`): one line per `@xstate.event`,
 * `@xstate.snapshot` and `@xstate.actor`, readable offline with jq, no browser or internet needed.
 *
 * The inspect callback runs inside every transition of every actor, so it only serialises and
 * appends to a string; the string goes to a write stream once per tick (setImmediate). If the disk
 * cannot keep up, lines are dropped (and counted) rather than letting the buffer eat the heap.
 * Secrets in events are redacted: a sign-in event carries a password.
 */
export interface TraceWriter {
  inspect(event: InspectionEvent): void;
  /** Flushes what is buffered and closes the file. */
  close(): Promise<void>;
}

export interface TraceLine {
  ts: number;
  type: '@xstate.event' | '@xstate.snapshot' | '@xstate.actor';
  sessionId: string;
  actorId?: string;
  systemId?: string;
  parentId?: string;
  sourceId?: string;
  event?: unknown;
  value?: unknown;
  status?: string;
}

const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Any event: a circular or otherwise unserialisable one degrades to its type. */
export function serialiseTraceLine(line: TraceLine): string {
  try {
    return JSON.stringify(line, redactingReplacer);
  } catch {
    const event = line.event as { type?: unknown } | undefined;
    return JSON.stringify({ ...line, event: event ? { type: String(event.type), unserialisable: true } : undefined, value: undefined });
  }
}

type RefInfo = { sessionId: string; id?: string; systemId?: string; options?: { systemId?: string }; _parent?: { sessionId: string } };

export function toTraceLine(event: InspectionEvent, now = Date.now()): TraceLine | undefined {
  const ref = event.actorRef as RefInfo;
  // `@xstate.actor` fires in the actor's constructor before `systemId` is assigned: read the option.
  const base = { ts: now, sessionId: ref.sessionId, actorId: ref.id, systemId: ref.systemId ?? ref.options?.systemId };
  switch (event.type) {
    case '@xstate.event':
      return { ...base, type: event.type, sourceId: (event.sourceRef as RefInfo | undefined)?.sessionId, event: event.event };
    case '@xstate.snapshot': {
      const snapshot = event.snapshot as { value?: unknown; status?: string };
      return { ...base, type: event.type, event: { type: event.event.type }, value: snapshot.value ?? null, status: snapshot.status };
    }
    case '@xstate.actor':
      return { ...base, type: event.type, parentId: ref._parent?.sessionId };
    default:
      return undefined; // microsteps and actions: too noisy for a trace
  }
}

export function createTraceWriter(file: string, logger: Logger): TraceWriter {
  const stream = fs.createWriteStream(file, { flags: 'a' });
  let pending = '';
  let scheduled = false;
  let dropped = 0;
  let broken = false;
  stream.on('error', (error) => {
    // A trace must never take the service down: log once and stop tracing.
    if (!broken) logger.error({ err: error, file }, 'trace file failed; tracing stopped');
    broken = true;
    pending = '';
  });

  const flush = () => {
    scheduled = false;
    if (broken || !pending) return;
    stream.write(pending);
    pending = '';
  };

  return {
    inspect(event) {
      if (broken) return;
      const line = toTraceLine(event);
      if (!line) return;
      if (stream.writableLength + pending.length > MAX_BUFFERED_BYTES) {
        dropped++;
        return;
      }
      pending += serialiseTraceLine(line) + '\n';
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    close() {
      flush();
      broken = true; // nothing more gets in
      if (dropped) logger.warn({ file, dropped }, 'trace lines dropped: the disk could not keep up');
      return new Promise<void>((resolve) => {
        if (stream.closed) return resolve();
        stream.once('close', () => resolve());
        stream.end();
      });
    },
  };
}

import { pino } from 'pino';
import { type Logger, loggerOptions } from './logger.js';

/**
 * The last log lines kept in memory, for the factory's `pull_logs`: a cabinet's stdout goes to
 * journald or nowhere, and an engineer at the factory should not need a shell to read it.
 * Lines are kept as pino wrote them (JSON text) and parsed only when pulled.
 */
export interface LogRing {
  /** pino destination: one JSON line per write. */
  write(line: string): void;
  /** The last `count` lines at `minLevel` or above, oldest first, as parsed JSON objects. */
  lines(count: number, minLevel?: string): Array<Record<string, unknown>>;
  readonly size: number;
}

const LEVEL_RE = /"level":(\d+)/;
const levelOf = (line: string) => Number(LEVEL_RE.exec(line)?.[1] ?? 0);

export function createLogRing(capacity = 5000): LogRing {
  const ring: string[] = new Array<string>(capacity);
  let next = 0;
  let count = 0;
  return {
    write(line: string) {
      ring[next] = line.endsWith('\n') ? line.slice(0, -1) : line;
      next = (next + 1) % capacity;
      count = Math.min(count + 1, capacity);
    },
    lines(wanted: number, minLevel?: string) {
      const floor = minLevel ? (pino.levels.values[minLevel] ?? 0) : 0;
      const out: Array<Record<string, unknown>> = [];
      // Newest first until enough, then reversed: a level filter must not shorten the answer.
      for (let i = 1; i <= count && out.length < wanted; i++) {
        const line = ring[(next - i + capacity) % capacity]!;
        if (levelOf(line) < floor) continue;
        try {
          out.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          out.push({ msg: line });
        }
      }
      return out.reverse();
    },
    get size() {
      return count;
    },
  };
}

/**
 * A logger that writes every line it logs into `ring` and passes the same line on to the base
 * logger's destination when the base logger would have logged it. The base logger's level stays
 * as it was (a silent test logger stays silent); `setLevel` changes what this logger logs (and,
 * unless the base is silent, what it passes on).
 */
export function teeLogger(base: Logger, ring: LogRing, level: string): { logger: Logger; setLevel(level: string): void } {
  const baseStream = (base as unknown as Record<symbol, { write(line: string): void } | undefined>)[pino.symbols.streamSym];
  const baseSilent = base.levelVal === Infinity;
  let forwardFrom = base.levelVal;
  const tee = {
    write(line: string) {
      ring.write(line);
      if (!baseSilent && baseStream && levelOf(line) >= forwardFrom) baseStream.write(line);
    },
  };
  const { name } = base.bindings() as { name?: string };
  const logger = pino(loggerOptions(name, level), tee);
  return {
    logger,
    setLevel(next: string) {
      logger.level = next;
      forwardFrom = pino.levels.values[next] ?? forwardFrom;
    },
  };
}

import { pino, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

/**
 * JSON logs on stdout (pino). Tokens and passwords are redacted wherever they appear in a
 * logged object, so a careless `log.info({ req })` cannot leak a credential.
 */
export function createLogger(options: { level?: string; name: string; destination?: pino.DestinationStream; pretty?: boolean }): Logger {
  // --log-pretty: coloured, one readable line per entry for a person at a terminal (JSON stays the default for journald and log shippers).
  const destination = options.destination ?? (options.pretty ? pinoPretty({ colorize: process.stdout.isTTY === true, sync: true }) : undefined);
  return pino(loggerOptions(options.name, options.level ?? process.env.LOG_LEVEL ?? 'info'), destination);
}

/** The options every service logger is built with (also used by log-ring.ts to build a tee). */
export function loggerOptions(name: string | undefined, level: string): pino.LoggerOptions {
  return {
    ...(name ? { name } : {}),
    level,
    redact: {
      paths: ['*.password', '*.token', '*.deviceToken', '*.userToken', 'req.headers.authorization', '*.authorization'],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/** A logger that drops everything: for tests and benchmarks. */
export const silentLogger: Logger = pino({ level: 'silent' });

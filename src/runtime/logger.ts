import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout (pino). Tokens and passwords are redacted wherever they appear in a
 * logged object, so a careless `log.info({ req })` cannot leak a credential.
 */
export function createLogger(options: { level?: string; name: string; destination?: pino.DestinationStream }): Logger {
  return pino(loggerOptions(options.name, options.level ?? process.env.LOG_LEVEL ?? 'info'), options.destination);
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

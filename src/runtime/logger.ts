import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout (pino). Tokens and passwords are redacted wherever they appear in a
 * logged object, so a careless `log.info({ req })` cannot leak a credential.
 */
export function createLogger(options: { level?: string; name: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: {
        paths: ['*.password', '*.token', '*.deviceToken', '*.userToken', 'req.headers.authorization', '*.authorization'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/** A logger that drops everything: for tests and benchmarks. */
export const silentLogger: Logger = pino({ level: 'silent' });

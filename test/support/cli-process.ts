import { spawn, type ChildProcess } from 'node:child_process';

export type LogLine = Record<string, unknown>;

export interface Run {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves with the first JSON log line matching the predicate (rejects if the process exits first). */
  logLine(pred: (line: LogLine) => boolean): Promise<LogLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The test runner's environment without anything that configures a service. Password hashes at
 * the lowest scrypt cost (as in the in-process harnesses): at OWASP's cost every start and login of
 * a spawned service costs seconds of CPU; a test about the cost itself sets its own value.
 */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(EDGE_|FACTORY_|OKTO_|LOG_LEVEL$)/.test(key)) env[key] = value;
  }
  return { ...env, LOG_LEVEL: 'info', EDGE_SCRYPT_LOG_N: '10', FACTORY_SCRYPT_LOG_N: '10', ...extra };
}

/** Starts a service's bin (tsx-registered) as a child process and follows its JSON log lines. */
export function runService(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    wake();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      setImmediate(wake);
    }),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const lines = (): LogLine[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    logLine: (pred) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines().find(pred);
          if (found) {
            waiters.delete(check);
            resolve(found);
          } else if (hasExited) {
            waiters.delete(check);
            reject(new Error(`exited before the log line; stdout: ${out}\nstderr: ${err}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}


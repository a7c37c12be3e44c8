import fs from 'node:fs';
import path from 'node:path';
import { runService, type Run } from '../../support/cli-process.js';
import type { ChildReaper } from './edge-process.js';
import { dataOf } from './http-json.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FACTORY_BIN = path.join(ROOT, 'bin/okto-factory.js');

/** A loaded 2-core machine can take many seconds to start node + tsx; this only bounds a hang. */
const START_TIMEOUT_MS = 90_000;

export interface CrashFactoryConfig {
  cloudUrl: string;
  /** The factory's own OKTO Cloud device token: with it (and cloudSyncEnabled) it forwards. */
  cloudDeviceToken: string;
}

/** The factory as the crash tests run it: forwarding to the cloud quickly, asking edges for fast heartbeats. */
export function writeCrashFactoryConfig(file: string, config: CrashFactoryConfig): void {
  fs.writeFileSync(
    file,
    [
      'log: { level: info }',
      'auth: { demoUsers: true, scryptLogN: 10 }',
      'devices: { heartbeatIntervalMs: 200 }',
      `cloud: { url: ${JSON.stringify(config.cloudUrl)}, deviceToken: ${JSON.stringify(config.cloudDeviceToken)}, timeoutMs: 5000, pollIntervalMs: 50, batchSize: 100, backoff: { baseMs: 20, maxMs: 300 } }`,
    ].join('\n') + '\n',
  );
}

export interface FactoryProcessOptions {
  configFile: string;
  dataDir: string;
  /** Fixed, so edges pointed at it find it again after a restart. */
  port: number;
  databaseUrl?: string;
  /** stdout and stderr of every run are appended here when the process has gone. */
  logFile: string;
  reaper: ChildReaper;
}

/** One `node bin/okto-factory.js` child; kill -9 and restart it on the same port and data. */
export class FactoryProcess {
  private constructor(
    readonly run: Run,
    readonly url: string,
  ) {}

  static async start(options: FactoryProcessOptions): Promise<FactoryProcess> {
    const args = ['--config', options.configFile, '--host', '127.0.0.1', '--port', String(options.port), '--data-dir', options.dataDir];
    if (options.databaseUrl) args.push('--database-url', options.databaseUrl);
    const run = runService(FACTORY_BIN, args, ROOT);
    options.reaper.track(run.child);
    // 'close' comes after the last byte of output: the log holds everything the process said.
    run.child.once('close', () => fs.appendFileSync(options.logFile, `--- factory run (pid ${run.child.pid})\n${run.stdout()}${run.stderr()}`));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        run.logLine((line) => typeof line.msg === 'string' && line.msg.startsWith('okto-factory listening')),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`factory did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS))),
      ]);
    } catch (error) {
      run.child.kill('SIGKILL');
      await run.exited;
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return new FactoryProcess(run, `http://127.0.0.1:${options.port}`);
  }

  get pid(): number | undefined {
    return this.run.child.pid;
  }

  /** kill -9: no handler runs, no transaction is finished, no last-seen time is flushed. */
  async kill9(): Promise<void> {
    if (this.run.child.exitCode === null && this.run.child.signalCode === null) this.run.child.kill('SIGKILL');
    await this.run.exited;
  }

  /** SIGTERM and wait for the graceful stop; resolves with the exit code. */
  async terminate(timeoutMs = 60_000): Promise<number | null> {
    this.run.child.kill('SIGTERM');
    const timer = setTimeout(() => this.run.child.kill('SIGKILL'), timeoutMs);
    try {
      return (await this.run.exited).code;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A user token (the demo passwords: the crash tests never set others). */
  async login(username: string, password: string): Promise<string> {
    return (await dataOf<{ token: string }>(this.url, 'POST', '/api/v1/auth/login', { body: { username, password } })).token;
  }

  /** Registers a device and issues its token, as a manager would. */
  async enrol(deviceId: string): Promise<string> {
    const token = await this.login('manager', 'manager123');
    await dataOf(this.url, 'POST', '/api/v1/devices', { token, body: { id: deviceId, name: `Line cabinet ${deviceId}` } });
    return (await dataOf<{ token: string }>(this.url, 'POST', `/api/v1/devices/${deviceId}/token`, { token })).token;
  }
}

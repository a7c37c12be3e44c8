import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, EDGE_USAGE, loadEdgeConfig, type EdgeConfig } from '../../src/edge/config.js';
import { tempDir } from '../support/temp-dir.js';

describe('loadEdgeConfig', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('okto-config-'));
  });
  afterEach(() => cleanup());

  const load = (argv: string[] = [], env: NodeJS.ProcessEnv = {}): EdgeConfig => {
    const result = loadEdgeConfig(argv, env, dir);
    if (result === 'help') throw new Error('unexpected help');
    return result;
  };
  const writeYaml = (text: string, name = 'edge-service.yaml') => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  /** The ConfigError message `fn` throws (fails if it does not throw one). */
  const configError = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect(error, String(error)).to.be.instanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  describe('defaults (no file, no environment, no flags)', () => {
    it('has the documented defaults, with mock mode on', () => {
      const config = load();
      expect(config.configFile).to.equal(null);
      expect(config.mockMode).to.equal(true);
      expect(config.server).to.deep.equal({ host: '0.0.0.0', port: 8080, bodyLimitKb: 512 });
      expect(config.dataDir).to.equal(path.join(dir, 'data/edge'));
      expect(config.line).to.deep.equal({
        id: 'line-001',
        industry: 'milk',
        deviceId: 'edge-001',
        productId: null,
        party: null,
        batchSize: 50,
        palletSize: 40,
        shifts: [
          { name: 'A', start: '08:00' },
          { name: 'B', start: '20:00' },
        ],
        withoutOrder: 'accept',
      });
      expect(config.journal).to.deep.equal({ flushIntervalMs: 200, flushMaxEntries: 500, retentionDays: 90, maxEntries: 5_000_000, pruneIntervalMs: 600_000 });
      expect(config.health).to.deep.equal({ syncBacklogMaxAgeSeconds: 900 });
      expect(config.scanners).to.have.length(1);
      expect(config.scanners[0]).to.include({ id: 'mock-1', transport: 'MOCK' });
      expect(config.storage.synchronous).to.equal('FULL');
      expect(config.auth.jwtSecret).to.equal(undefined);
      expect(config.auth.tokenTtlSeconds).to.equal(28_800); // one shift
      expect(config.auth.scryptLogN).to.equal(17);
      expect(config.auth.demoUsers).to.equal(undefined); // then: as mock mode
      expect(config.log.level).to.equal('info');
      expect(config.inspect).to.equal(false);
      expect(config.trace).to.equal(undefined);
    });

    it('refuses a shift start that is not HH:MM and an unknown time zone', () => {
      expect(configError(() => load(['--config', writeYaml("line: { shifts: [{ name: A, start: '8:00' }] }\n")]))).to.match(/start must be HH:MM/);
      expect(configError(() => load(['--config', writeYaml('line: { timeZone: Mars/Olympus }\n')]))).to.match(/unknown time zone/);
      const ok = load(['--config', writeYaml("line: { timeZone: Europe/Moscow, shifts: [{ name: 'Ночь', start: '22:00' }] }\n")]);
      expect(ok.line).to.deep.include({ timeZone: 'Europe/Moscow', shifts: [{ name: 'Ночь', start: '22:00' }] });
    });

    it('ignores unrelated environment variables', () => {
      expect(load([], { PATH: '/bin', HOME: '/root', PORT: '1234' }).server.port).to.equal(8080);
    });
  });

  describe('the configuration file', () => {
    it('./edge-service.yaml in cwd is read; with a file, mock mode defaults to off', () => {
      const file = writeYaml('server: { port: 9001 }\nline: { industry: water, batchSize: 12 }\n');
      const config = load();
      expect(config.configFile).to.equal(file);
      expect(config.server.port).to.equal(9001);
      expect(config.server.host).to.equal('0.0.0.0');
      expect(config.line).to.include({ industry: 'water', batchSize: 12, id: 'line-001' });
      expect(config.mockMode).to.equal(false);
    });

    it('mockMode: true in the file turns it on', () => {
      writeYaml('mockMode: true\n');
      expect(load().mockMode).to.equal(true);
    });

    it('--config and EDGE_CONFIG name another file, relative to cwd; --config wins', () => {
      writeYaml('server: { port: 7001 }\n', 'a.yaml');
      writeYaml('server: { port: 7002 }\n', 'b.yaml');
      writeYaml('server: { port: 7003 }\n');
      expect(load(['--config', 'a.yaml']).server.port).to.equal(7001);
      expect(load([], { EDGE_CONFIG: 'b.yaml' }).server.port).to.equal(7002);
      expect(load(['--config', 'a.yaml'], { EDGE_CONFIG: 'b.yaml' }).server.port).to.equal(7001);
      expect(load(['--config', 'a.yaml']).configFile).to.equal(path.join(dir, 'a.yaml'));
    });

    it('the README example file is valid', () => {
      writeYaml(`server: { host: 0.0.0.0, port: 8080, bodyLimitKb: 512 }
dataDir: /var/lib/okto/edge
mockMode: false
line:
  id: line-001
  industry: milk
  deviceId: edge-001
  productId: product-001
  party: PARTY-001
  batchSize: 50
scanners:
  - id: cognex-1
    transport: tcp
    mode: connect
    host: 192.0.2.10
    port: 23
    framing: { suffix: CRLF, noRead: [NoRead, "NO READ", ERROR], maxFrameBytes: 4096 }
    backoff: { baseMs: 250, maxMs: 10000 }
  - id: hik-1
    transport: tcp
    mode: listen
    host: 0.0.0.0
    port: 5001
    framing: { suffix: STX_ETX, prefix: "R1:" }
    reply: { accept: OK, reject: NG }
storage: { synchronous: FULL, commitMaxItems: 512, commitWindowMs: 0, checkpointIntervalMs: 1000 }
auth: { tokenTtlSeconds: 43200 }
log: { level: info }
`);
      const config = load();
      expect(config.dataDir).to.equal('/var/lib/okto/edge');
      expect(config.mockMode).to.equal(false);
      expect(config.line).to.include({ productId: 'product-001', party: 'PARTY-001' });
      expect(config.scanners.map((s) => [s.id, s.transport, s.mode, s.port])).to.deep.equal([
        ['cognex-1', 'TCP', 'connect', 23],
        ['hik-1', 'TCP', 'listen', 5001],
      ]);
      expect(config.scanners[1]!.reply).to.deep.equal({ accept: 'OK', reject: 'NG' });
    });

    it('an empty file is the defaults (mock mode still off: a file is in use)', () => {
      writeYaml('');
      const config = load();
      expect(config.server.port).to.equal(8080);
      expect(config.mockMode).to.equal(false);
    });

    it('a relative dataDir and trace are resolved against cwd', () => {
      writeYaml('dataDir: ./state\ntrace: logs/trace.jsonl\n');
      const config = load();
      expect(config.dataDir).to.equal(path.join(dir, 'state'));
      expect(config.trace).to.equal(path.join(dir, 'logs/trace.jsonl'));
    });
  });

  describe('precedence: defaults < file < environment < flags', () => {
    it('port: the flag beats the environment, which beats the file', () => {
      writeYaml('server: { port: 1111 }\n');
      expect(load().server.port).to.equal(1111);
      expect(load([], { EDGE_PORT: '2222' }).server.port).to.equal(2222);
      expect(load(['--port', '3333'], { EDGE_PORT: '2222' }).server.port).to.equal(3333);
      expect(load(['--port=0'], { EDGE_PORT: '2222' }).server.port).to.equal(0);
    });

    it('industry, host and data dir follow the same order', () => {
      writeYaml('server: { host: 10.0.0.1 }\ndataDir: /from/file\nline: { industry: water, id: line-file }\n');
      const fromEnv = load([], { EDGE_INDUSTRY: 'beer', EDGE_HOST: '10.0.0.2', EDGE_DATA_DIR: '/from/env' });
      expect(fromEnv.line.industry).to.equal('beer');
      expect(fromEnv.line.id).to.equal('line-file');
      expect(fromEnv.server.host).to.equal('10.0.0.2');
      expect(fromEnv.dataDir).to.equal('/from/env');
      const fromFlags = load(['--industry', 'pharma', '--host', '127.0.0.1', '--data-dir', 'flagdata'], { EDGE_INDUSTRY: 'beer', EDGE_HOST: '10.0.0.2', EDGE_DATA_DIR: '/from/env' });
      expect(fromFlags.line.industry).to.equal('pharma');
      expect(fromFlags.server.host).to.equal('127.0.0.1');
      expect(fromFlags.dataDir).to.equal(path.join(dir, 'flagdata'));
    });

    it('merges nested sections instead of replacing them', () => {
      writeYaml('server: { port: 1111, bodyLimitKb: 64 }\nline: { batchSize: 7 }\n');
      const config = load(['--port', '3333'], { EDGE_LINE_ID: 'line-env' });
      expect(config.server).to.include({ port: 3333, bodyLimitKb: 64 });
      expect(config.line).to.include({ id: 'line-env', batchSize: 7 });
    });

    it('mock mode: file < EDGE_MOCK_MODE < --mock/--no-mock', () => {
      writeYaml('mockMode: false\n');
      expect(load().mockMode).to.equal(false);
      expect(load([], { EDGE_MOCK_MODE: 'true' }).mockMode).to.equal(true);
      expect(load(['--no-mock'], { EDGE_MOCK_MODE: 'true' }).mockMode).to.equal(false);
      expect(load(['--mock'], { EDGE_MOCK_MODE: 'false' }).mockMode).to.equal(true);
      for (const [raw, value] of [['1', true], ['yes', true], ['on', true], ['0', false], ['no', false], ['OFF', false]] as const) {
        expect(load([], { EDGE_MOCK_MODE: raw }).mockMode, raw).to.equal(value);
      }
    });

    it('secrets, passwords, log level and storage come from the environment', () => {
      const config = load([], {
        EDGE_JWT_SECRET: 's'.repeat(40),
        EDGE_ADMIN_PASSWORD: 'admin-pass-1',
        EDGE_MANAGER_PASSWORD: 'manager-pass-1',
        EDGE_OPERATOR_PASSWORD: 'operator-pass-1',
        LOG_LEVEL: 'warn',
        EDGE_SYNCHRONOUS: 'NORMAL',
        EDGE_DEVICE_ID: 'edge-042',
      });
      expect(config.auth).to.include({ jwtSecret: 's'.repeat(40), adminPassword: 'admin-pass-1', managerPassword: 'manager-pass-1', operatorPassword: 'operator-pass-1' });
      expect(config.log.level).to.equal('warn');
      expect(config.storage.synchronous).to.equal('NORMAL');
      expect(config.line.deviceId).to.equal('edge-042');
      expect(load(['--log-level', 'error'], { LOG_LEVEL: 'warn' }).log.level).to.equal('error');
    });

    it('cloud URL: file < OKTO_CLOUD_URL < --cloud-url; connection mode from EDGE_CONNECTION_MODE', () => {
      writeYaml('cloud: { url: "http://file.example:1" }\n');
      expect(load().cloud.url).to.match(/^http:\/\/file\.example:1\/?$/);
      expect(load([], { OKTO_CLOUD_URL: 'https://env.example' }).cloud.url).to.match(/^https:\/\/env\.example\/?$/);
      expect(load(['--cloud-url', 'http://flag.example:9'], { OKTO_CLOUD_URL: 'https://env.example' }).cloud.url).to.match(/^http:\/\/flag\.example:9\/?$/);
      expect(load([], { EDGE_CONNECTION_MODE: 'VIA_LOCAL_SERVER' }).connection.mode).to.equal('VIA_LOCAL_SERVER');
      expect(configError(() => load(['--cloud-url', 'ftp://x.example']))).to.include('cloud.url');
      expect(configError(() => load([], { EDGE_CONNECTION_MODE: 'CARRIER_PIGEON' }))).to.include('connection.mode');
    });

    it('--inspect and --trace', () => {
      const config = load(['--inspect', '--trace', 'events.jsonl']);
      expect(config.inspect).to.equal(true);
      expect(config.trace).to.equal(path.join(dir, 'events.jsonl'));
      expect(load([], { EDGE_INSPECT: 'true' }).inspect).to.equal(true);
    });
  });

  describe('invalid values stop start-up with the key named', () => {
    it('line.industry in the file (with the file named)', () => {
      const file = writeYaml('line: { industry: wine }\n');
      const message = configError(() => load());
      expect(message).to.include('line.industry');
      expect(message).to.include(file);
    });

    it('server.port out of range, from the file or a flag', () => {
      writeYaml('server: { port: 70000 }\n');
      expect(configError(() => load())).to.include('server.port');
      expect(configError(() => load(['--port=-1']))).to.include('server.port');
      expect(configError(() => load(['--port', '1.5']))).to.include('server.port');
    });

    it('a wrong type in the file names the key', () => {
      writeYaml('server: { port: "eighty" }\n');
      expect(configError(() => load())).to.include('server.port');
      writeYaml('line: { batchSize: 0 }\n');
      expect(configError(() => load())).to.include('line.batchSize');
      writeYaml('server: { bodyLimitKb: 0 }\n');
      expect(configError(() => load())).to.include('server.bodyLimitKb');
    });

    it('EDGE_PORT=abc and --port abc name the variable or the flag', () => {
      expect(configError(() => load([], { EDGE_PORT: 'abc' }))).to.include('EDGE_PORT');
      expect(configError(() => load([], { EDGE_PORT: '' }))).to.include('EDGE_PORT');
      expect(configError(() => load(['--port', 'abc']))).to.include('--port');
    });

    it('EDGE_MOCK_MODE and EDGE_INSPECT must be booleans', () => {
      expect(configError(() => load([], { EDGE_MOCK_MODE: 'maybe' }))).to.include('EDGE_MOCK_MODE');
      expect(configError(() => load([], { EDGE_INSPECT: '2' }))).to.include('EDGE_INSPECT');
    });

    it('enumerations from the environment and flags name the key', () => {
      expect(configError(() => load([], { EDGE_INDUSTRY: 'wine' }))).to.include('line.industry');
      expect(configError(() => load(['--industry', 'wine']))).to.include('line.industry');
      expect(configError(() => load([], { LOG_LEVEL: 'loud' }))).to.include('log.level');
      expect(configError(() => load([], { EDGE_SYNCHRONOUS: 'OFF' }))).to.include('storage.synchronous');
      expect(configError(() => load([], { EDGE_LINE_ID: 'line 1/2' }))).to.include('line.id');
    });

    it('a short EDGE_JWT_SECRET or a short password names the key', () => {
      expect(configError(() => load([], { EDGE_JWT_SECRET: 'short' }))).to.include('auth.jwtSecret');
      expect(configError(() => load([], { EDGE_ADMIN_PASSWORD: 'short' }))).to.include('auth.adminPassword');
    });

    it('an unknown key in the file is an error naming it, at any depth', () => {
      writeYaml('prot: 8080\n');
      expect(configError(() => load())).to.include('prot');
      writeYaml('server: { prot: 8080 }\n');
      const nested = configError(() => load());
      expect(nested).to.include('server');
      expect(nested).to.include('prot');
      writeYaml('scanners:\n  - { id: s1, transport: mock, colour: red }\n');
      const deep = configError(() => load());
      expect(deep).to.include('scanners.0');
      expect(deep).to.include('colour');
    });

    it('a tcp scanner without a port names scanners.0.port', () => {
      writeYaml('scanners:\n  - { id: cognex-1, transport: tcp, host: 192.0.2.10 }\n');
      expect(configError(() => load())).to.include('scanners.0.port');
    });

    it('scanner problems: unknown transport, duplicate ids, more than 10', () => {
      writeYaml('scanners:\n  - { id: s1, transport: serial }\n');
      expect(configError(() => load())).to.include('scanners.0.transport');
      writeYaml('scanners:\n  - { id: s1, transport: mock }\n  - { id: s1, transport: mock }\n');
      expect(configError(() => load())).to.include('scanners');
      writeYaml(`scanners:\n${Array.from({ length: 11 }, (_, i) => `  - { id: s${i}, transport: mock }`).join('\n')}\n`);
      expect(configError(() => load())).to.include('scanners');
    });

    it('every problem is listed, not only the first', () => {
      writeYaml('server: { port: 70000 }\nline: { industry: wine }\n');
      const message = configError(() => load());
      expect(message).to.include('server.port');
      expect(message).to.include('line.industry');
    });

    it('invalid YAML, a top-level list and an unreadable file are ConfigErrors naming the file', () => {
      const bad = writeYaml('server: { port: 80\n');
      expect(configError(() => load())).to.include(bad);
      writeYaml('- a\n- b\n');
      expect(configError(() => load())).to.match(/mapping/);
      const missing = path.join(dir, 'missing.yaml');
      expect(configError(() => load(['--config', missing]))).to.include(missing);
    });

    it('an unknown flag or a flag without its value is a ConfigError with the usage', () => {
      expect(configError(() => load(['--bogus']))).to.include('Usage: okto-edge');
      expect(configError(() => load(['--port']))).to.include('--port');
      expect(configError(() => load(['extra-positional']))).to.include('Usage: okto-edge');
    });
  });

  describe('the factory server (VIA_LOCAL_SERVER)', () => {
    it('is not configured by default, with the default heartbeat, timeout and backoff', () => {
      expect(load().factory).to.deep.equal({ heartbeatIntervalMs: 5_000, timeoutMs: 15_000, backoff: { baseMs: 500, maxMs: 30_000 } });
    });

    it('file < FACTORY_URL / FACTORY_DEVICE_ID / FACTORY_DEVICE_TOKEN < --factory-url', () => {
      writeYaml('factory:\n  url: http://factory-file:8081\n  deviceId: dev-file\n  deviceToken: tok-file\n  heartbeatIntervalMs: 2000\n  backoff: { baseMs: 100, maxMs: 5000 }\n');
      expect(load().factory).to.deep.include({ url: 'http://factory-file:8081', deviceId: 'dev-file', deviceToken: 'tok-file', heartbeatIntervalMs: 2000, backoff: { baseMs: 100, maxMs: 5000 } });
      const env = { FACTORY_URL: 'https://factory-env', FACTORY_DEVICE_ID: 'dev-env', FACTORY_DEVICE_TOKEN: 'tok-env' };
      expect(load([], env).factory).to.deep.include({ url: 'https://factory-env', deviceId: 'dev-env', deviceToken: 'tok-env', heartbeatIntervalMs: 2000 });
      expect(load(['--factory-url', 'http://factory-flag:9000'], env).factory).to.deep.include({ url: 'http://factory-flag:9000', deviceId: 'dev-env' });
    });

    it('empty FACTORY_* variables count as unset', () => {
      writeYaml('factory: { url: http://factory-file:8081, deviceToken: tok-file }\n');
      expect(load([], { FACTORY_URL: '', FACTORY_DEVICE_ID: '', FACTORY_DEVICE_TOKEN: '' }).factory).to.deep.include({ url: 'http://factory-file:8081', deviceToken: 'tok-file' });
    });

    it('bad values name the key: a non-http URL, a bad device id, an interval out of range, an unknown key', () => {
      expect(configError(() => load(['--factory-url', 'ftp://factory']))).to.include('factory.url');
      expect(configError(() => load([], { FACTORY_URL: 'not a url' }))).to.include('factory.url');
      expect(configError(() => load([], { FACTORY_DEVICE_ID: 'has space' }))).to.include('factory.deviceId');
      writeYaml('factory: { heartbeatIntervalMs: 5 }\n');
      expect(configError(() => load())).to.include('factory.heartbeatIntervalMs');
      writeYaml('factory: { token: x }\n');
      expect(configError(() => load())).to.include('factory');
    });

    it('the usage names --factory-url and the FACTORY_* variables', () => {
      expect(EDGE_USAGE).to.include('--factory-url').and.include('FACTORY_URL').and.include('FACTORY_DEVICE_ID').and.include('FACTORY_DEVICE_TOKEN');
    });
  });

  it("--help returns 'help' (even with other, invalid, flags)", () => {
    expect(loadEdgeConfig(['--help'], {}, dir)).to.equal('help');
    expect(loadEdgeConfig(['--port', '1', '--help'], {}, dir)).to.equal('help');
    expect(EDGE_USAGE).to.include('--port').and.include('--data-dir').and.include('--config');
  });
});

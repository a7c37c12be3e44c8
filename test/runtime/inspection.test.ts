import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import WebSocket from 'ws';
import { createActor, emit, sendTo, setup, type AnyActorRef } from 'xstate';
import { ask } from '../../src/runtime/ask.js';
import { createInspection, type Inspection } from '../../src/runtime/inspection.js';
import { captureLogger } from './log-capture.js';
import { waitFor } from '../support/wait-for.js';

const child = setup({}).createMachine({ initial: 'idle', states: { idle: { on: { GO: 'busy' } }, busy: {} } });
const root = setup({
  types: { events: {} as { type: 'LOGIN'; password: string; user: string } | { type: 'GET'; replyTo: AnyActorRef } | { type: 'KICK' } },
  actors: { child },
}).createMachine({
  initial: 'ready',
  invoke: { src: 'child', id: 'kid', systemId: 'kid' },
  states: {
    ready: {
      on: {
        LOGIN: 'signedIn',
        GET: { actions: sendTo(({ event }) => event.replyTo, { type: 'OK' }) },
        KICK: { actions: [sendTo('kid', { type: 'GO' }), emit({ type: 'kicked' })] },
      },
    },
    signedIn: {},
  },
});

const until = (cond: () => boolean, what: string) => waitFor(cond, 2000, what);

describe('createInspection', () => {
  let dir: string;
  let inspection: Inspection | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okto-'));
  });
  afterEach(async () => {
    await inspection?.close();
    inspection = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives no inspect callback when nothing is enabled (XState then pays nothing)', async () => {
    inspection = createInspection({ logger: captureLogger().logger });
    expect(inspection.inspect).to.equal(undefined);
  });

  it('writes actors, events and snapshots as JSON lines, with secrets redacted', async () => {
    const traceFile = path.join(dir, 'trace.jsonl');
    inspection = createInspection({ traceFile, logger: captureLogger().logger });
    const actor = createActor(root, { inspect: inspection.inspect, systemId: 'root' }).start();
    actor.send({ type: 'KICK' });
    await ask(actor, (replyTo) => ({ type: 'GET', replyTo }));
    actor.send({ type: 'LOGIN', user: 'operator', password: 'operator123' });
    actor.stop();
    await inspection.close();

    const text = fs.readFileSync(traceFile, 'utf8');
    expect(text).to.not.include('operator123');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    for (const line of lines) {
      expect(line.ts).to.be.a('number');
      expect(line.sessionId).to.be.a('string');
      expect(['@xstate.event', '@xstate.snapshot', '@xstate.actor']).to.include(line.type);
    }
    const rootSession = actor.sessionId;
    expect(lines.some((l) => l.type === '@xstate.actor' && l.sessionId === rootSession && l.systemId === 'root')).to.equal(true);
    expect(lines.some((l) => l.type === '@xstate.actor' && l.actorId === 'kid' && l.parentId === rootSession)).to.equal(true);
    const login = lines.find((l) => l.type === '@xstate.event' && l.event.type === 'LOGIN')!;
    expect(login.event).to.deep.equal({ type: 'LOGIN', user: 'operator', password: '[redacted]' });
    expect(lines.some((l) => l.type === '@xstate.snapshot' && l.sessionId === rootSession && l.value === 'signedIn' && l.status === 'active')).to.equal(true);
    expect(lines.some((l) => l.type === '@xstate.snapshot' && l.actorId === 'kid' && l.value === 'busy')).to.equal(true);
    const get = lines.find((l) => l.type === '@xstate.event' && l.event.type === 'GET')!;
    expect(get.event.replyTo).to.have.keys(['id']);
    expect(lines.some((l) => l.type === '@xstate.event' && l.event.type === 'OK'), 'the reply to ask is traced too').to.equal(true);
  });

  it('survives an unwritable trace file: logs it, inspection keeps not throwing', async () => {
    const { logger, lines } = captureLogger();
    inspection = createInspection({ traceFile: path.join(dir, 'missing-dir', 'trace.jsonl'), logger });
    const actor = createActor(root, { inspect: inspection.inspect }).start();
    await until(() => lines.some((l) => l.msg === 'trace file failed; tracing stopped'), 'the error log');
    actor.send({ type: 'KICK' });
    await new Promise((r) => setImmediate(r));
    expect(actor.getSnapshot().status).to.equal('active');
    actor.stop();
  });

  describe('inspector server', () => {
    it('serves the bridge page and streams redacted Stately-format events on 127.0.0.1 only', async () => {
      const traceFile = path.join(dir, 'trace.jsonl');
      inspection = createInspection({ inspectServer: true, traceFile, logger: captureLogger().logger });
      const url = await inspection.inspectUrl!;
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);

      const page = await new Promise<string>((resolve, reject) => {
        http.get(url, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      expect(page).to.include(`"ws://127.0.0.1:${new URL(url).port}"`);

      const received: Array<Record<string, any>> = [];
      const client = new WebSocket(url.replace('http', 'ws'));
      client.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, any>));
      await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));

      const actor = createActor(root, { inspect: inspection.inspect }).start();
      actor.send({ type: 'KICK' });
      actor.send({ type: 'LOGIN', user: 'operator', password: 'operator123' });
      await until(() => received.some((e) => e.type === '@xstate.event' && e.event?.type === 'LOGIN'), 'the LOGIN event');
      expect(received.some((e) => e.type === '@xstate.event' && e.event?.type === 'KICK')).to.equal(true);
      expect(received.some((e) => e.type === '@xstate.actor' && e.sessionId === actor.sessionId)).to.equal(true);
      expect(JSON.stringify(received)).to.not.include('operator123');
      actor.stop();
      client.close();
      await inspection.close();
      inspection = undefined;
      expect(fs.readFileSync(traceFile, 'utf8'), 'both sinks at once').to.include('"KICK"');
    });

    it('refuses a WebSocket from a foreign web page origin, accepts its own page', async () => {
      inspection = createInspection({ inspectServer: true, logger: captureLogger().logger });
      const url = await inspection.inspectUrl!;
      const tryOrigin = (origin: string) =>
        new Promise<string>((resolve) => {
          const client = new WebSocket(url.replace('http', 'ws'), { origin });
          client.once('open', () => {
            client.close();
            resolve('open');
          });
          client.once('unexpected-response', (_req, res) => {
            client.terminate();
            resolve(`refused ${res.statusCode}`);
          });
          client.once('error', (err) => resolve(`error ${err.message}`));
        });
      expect(await tryOrigin('https://evil.example')).to.equal('refused 401');
      expect(await tryOrigin(url)).to.equal('open');
    });
  });
});

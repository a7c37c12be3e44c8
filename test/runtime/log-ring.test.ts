import { expect } from 'chai';
import { createLogRing, teeLogger } from '../../src/runtime/log-ring.js';
import { createLogger, silentLogger } from '../../src/runtime/logger.js';

describe('log ring', () => {
  it('keeps the last lines up to its capacity, oldest first, filtered by level without shortening the answer', () => {
    const ring = createLogRing(5);
    const { logger } = teeLogger(silentLogger, ring, 'debug');
    for (let i = 1; i <= 8; i++) (i % 2 === 0 ? logger.warn : logger.debug).call(logger, { i }, `line ${i}`);
    expect(ring.size).to.equal(5);
    expect(ring.lines(10).map((l) => l.i)).to.deep.equal([4, 5, 6, 7, 8]);
    expect(ring.lines(2).map((l) => l.i)).to.deep.equal([7, 8]);
    expect(ring.lines(2, 'warn').map((l) => l.i)).to.deep.equal([6, 8]);
  });

  it('passes lines on to the base logger only at the base level, redacting secrets in both', () => {
    const written: string[] = [];
    const base = createLogger({ name: 'edge-test', level: 'warn', destination: { write: (line: string) => written.push(line) } });
    const ring = createLogRing();
    const tee = teeLogger(base, ring, 'info');
    tee.logger.info({ factory: { deviceToken: 'secret-token-123' } }, 'kept in the ring only');
    tee.logger.warn('to both');
    expect(ring.lines(10).map((l) => l.msg)).to.deep.equal(['kept in the ring only', 'to both']);
    expect(ring.lines(10)[0]).to.deep.include({ name: 'edge-test', factory: { deviceToken: '[redacted]' } });
    expect(written.map((l) => JSON.parse(l).msg)).to.deep.equal(['to both']);

    tee.setLevel('debug');
    tee.logger.debug('debug now');
    expect(written.map((l) => JSON.parse(l).msg)).to.deep.equal(['to both', 'debug now']);
  });

  it('a silent base stays silent whatever the level', () => {
    const ring = createLogRing();
    const tee = teeLogger(silentLogger, ring, 'info');
    tee.setLevel('trace');
    tee.logger.trace('only in the ring');
    expect(ring.lines(1)[0]!.msg).to.equal('only in the ring');
    expect(silentLogger.level).to.equal('silent');
  });
});

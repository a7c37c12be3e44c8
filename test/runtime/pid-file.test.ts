import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { runningPid, writePidFile } from '../../src/runtime/pid-file.js';
import { tempDir } from '../support/temp-dir.js';

describe('pid file (src/runtime/pid-file)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('okto-pid-')));
  afterEach(() => cleanup());

  it('no file, garbage, our own pid or a dead process: not running', async () => {
    const file = path.join(dir, 'okto-edge.pid');
    expect(runningPid(file)).to.equal(null);
    fs.writeFileSync(file, 'garbage\n');
    expect(runningPid(file)).to.equal(null);
    fs.writeFileSync(file, `${process.pid}\n`);
    expect(runningPid(file)).to.equal(null);
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.once('exit', resolve));
    fs.writeFileSync(file, `${child.pid}\n`);
    expect(runningPid(file)).to.equal(null);
  });

  it('a live okto process is running; a live process of another program (a reused pid) is not', async () => {
    const file = path.join(dir, 'okto-edge.pid');
    const ours = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)', 'okto-edge']);
    const other = spawn('sleep', ['10']);
    try {
      await new Promise((r) => setTimeout(r, 200));
      fs.writeFileSync(file, `${ours.pid}\n`);
      expect(runningPid(file)).to.equal(ours.pid);
      fs.writeFileSync(file, `${other.pid}\n`);
      expect(runningPid(file)).to.equal(null);
    } finally {
      ours.kill('SIGKILL');
      other.kill('SIGKILL');
    }
  });

  it('writePidFile writes ours and removes only a file that is still ours', () => {
    const file = path.join(dir, 'okto-edge.pid');
    const remove = writePidFile(file);
    expect(fs.readFileSync(file, 'utf8')).to.equal(`${process.pid}\n`);
    remove();
    expect(fs.existsSync(file)).to.equal(false);
    const removeAgain = writePidFile(file);
    fs.writeFileSync(file, '12345\n');
    removeAgain();
    expect(fs.readFileSync(file, 'utf8')).to.equal('12345\n');
  });
});

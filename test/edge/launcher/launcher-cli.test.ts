import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runService } from '../../support/cli-process.js';
import { tempDir } from '../../support/temp-dir.js';

/** okto-launcher's command line: the same manners as the other bins (usage, exit codes, one line on stderr). */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/okto-launcher.js');

describe('okto-launcher command line', function () {
  this.timeout(60_000);
  const run = async (args: string[]) => {
    const { dir, cleanup } = tempDir('okto-launcher-cli-');
    try {
      const r = runService(BIN, args, dir);
      const { code } = await r.exited;
      return { code, stdout: r.stdout(), stderr: r.stderr() };
    } finally {
      cleanup();
    }
  };

  it('--help prints the usage (exit 0); --version the package version', async () => {
    const help = await run(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('okto-launcher --root <install root>');
    const version = await run(['--version']);
    expect(version.code).to.equal(0);
    expect(version.stdout).to.match(/^okto-launcher \d+\.\d+\.\d+/);
  });

  it('an unknown flag, no root, or a bad number: the problem and the usage on stderr, exit 2, no stack trace', async () => {
    for (const args of [['--bogus'], [], ['--root', '/tmp/x', '--crash-loop-limit', 'many']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr).to.contain('okto-launcher');
      expect(r.stderr).to.not.match(/\n\s+at /);
    }
  });
});

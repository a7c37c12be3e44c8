import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { useCommandEdge } from '../../support/command-edge.js';
import { tempDir } from '../../support/temp-dir.js';

const NODE = process.execPath;
type ShellResult = { exitCode: number | null; stdout: string; stderr: string; truncated: boolean; timedOut: boolean };

/** exec_shell: off by default, allowlisted programs only, no shell, time and output capped, always logged. */
describe('edge commands: exec_shell', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  // Whole argv patterns: node with -e and any script (and up to one more argument), echo with two arguments.
  const ALLOWED = [[NODE, '-e', '**'], [NODE, '-e', '**', '**'], ['echo', '*', '*']];
  const enabled = (more: Record<string, unknown> = {}) => ({ commands: { execShell: { enabled: true, allowlist: ALLOWED, timeoutMs: 3_000, maxOutputBytes: 1024, ...more } } });
  const run = async (command: string, args: string[]) => fx.factory.result(fx.factory.sendCommand('exec_shell', { command, args }));

  it('fails NOT_ENABLED when the configuration does not enable it (the default)', async () => {
    await fx.start();
    const result = await run(NODE, ['-e', '1']);
    expect(result.ok).to.equal(false);
    expect(result.error!.code).to.equal('NOT_ENABLED');
  });

  it('refuses a program that is not on the allowlist (NOT_ALLOWED), and logs the refusal', async () => {
    const edge = await fx.start(enabled());
    for (const command of ['/bin/sh', 'sh', `${NODE} -e 1`, '/tmp/../bin/sh']) {
      const result = await run(command, ['-c', 'echo hi']);
      expect(result.error?.code, command).to.equal('NOT_ALLOWED');
    }
    expect(edge.t.edge.logRing.lines(100, 'warn').filter((l) => l.msg === 'exec_shell refused: not on the allowlist')).to.have.length(4);
  });

  it('runs an allowlisted program without a shell and reports {exitCode, stdout, stderr, truncated}, logged with its exit code', async () => {
    const edge = await fx.start(enabled());
    const result = await run(NODE, ['-e', 'process.stdout.write("out " + process.argv[1]); process.stderr.write("err")', '$HOME;rm -rf /']);
    expect(result.ok).to.equal(true);
    expect(result.result).to.deep.include({ exitCode: 0, stdout: 'out $HOME;rm -rf /', stderr: 'err', truncated: false, timedOut: false });
    const echo = await run('echo', ['a', '*']);
    expect((echo.result as ShellResult).stdout).to.equal('a *\n');
    const logged = edge.t.edge.logRing.lines(100, 'warn').filter((l) => String(l.msg).startsWith('exec_shell ran'));
    expect(logged.map((l) => l.exitCode)).to.deep.equal([0, 0]);
  });

  it('checks the whole argv: with /usr/bin/env allowed (no arguments), `env /bin/echo x` is refused; a pattern admits only its arguments', async () => {
    await fx.start(enabled({ allowlist: ['/usr/bin/env', ['/bin/echo', '-n', 'fixed-*'], ['echo', 'a/**']] }));
    const bypass = await run('/usr/bin/env', ['/bin/echo', 'x']);
    expect(bypass.ok).to.equal(false);
    expect(bypass.error!.code).to.equal('NOT_ALLOWED');
    // `*` stays within one path segment; the argument count must match exactly.
    for (const args of [['-n', 'fixed-a/b'], ['-n'], ['-n', 'fixed-a', 'extra'], ['-e', 'fixed-a']]) {
      expect((await run('/bin/echo', args)).error?.code, args.join(' ')).to.equal('NOT_ALLOWED');
    }
    const allowed = await run('/bin/echo', ['-n', 'fixed-ok']);
    expect(allowed.ok).to.equal(true);
    expect((allowed.result as ShellResult).stdout).to.equal('fixed-ok');
    // The same program by another path to the same file (/bin is /usr/bin on this system, or not): decided by the real path.
    const bare = await run('echo', ['a/b/c']);
    expect(bare.ok).to.equal(true);
  });

  it('runs with a cleared environment: PATH is the fixed exec PATH and nothing else is passed on', async () => {
    process.env.OKTO_TEST_SECRET = 'do-not-leak';
    try {
      await fx.start(enabled({ allowlist: ['/usr/bin/env'] }));
      const result = await run('/usr/bin/env', []);
      expect(result.ok).to.equal(true);
      expect((result.result as ShellResult).stdout).to.equal('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
    } finally {
      delete process.env.OKTO_TEST_SECRET;
    }
  });

  it('a symlink cannot smuggle: a link to another program is refused, and an allowed link re-pointed after start is refused', async () => {
    const { dir, cleanup } = tempDir('okto-exec-link-');
    try {
      const tool = path.join(dir, 'tool');
      fs.symlinkSync(NODE, tool);
      const shell = path.join(dir, 'sh-in-disguise');
      fs.symlinkSync('/bin/sh', shell);
      await fx.start(enabled({ allowlist: [[tool, '-e', '**'], [NODE, '-e', '**']] }));
      expect((await run(tool, ['-e', 'process.stdout.write("via link")'])).ok).to.equal(true);
      expect((await run(shell, ['-e', 'echo pwned'])).error?.code).to.equal('NOT_ALLOWED');
      fs.unlinkSync(tool);
      fs.symlinkSync('/bin/sh', tool);
      const repointed = await run(tool, ['-e', 'echo pwned']);
      expect(repointed.ok).to.equal(false);
      expect(repointed.error!.code).to.equal('NOT_ALLOWED');
    } finally {
      cleanup();
    }
  });

  it('a non-zero exit is FAILED with the output; the environment does not leak the edge secrets', async () => {
    process.env.OKTO_TEST_SECRET = 'do-not-leak';
    try {
      await fx.start(enabled());
      const result = await run(NODE, ['-e', 'process.stdout.write(String(process.env.OKTO_TEST_SECRET)); process.exit(3)']);
      expect(result.ok).to.equal(false);
      expect(result.error!.code).to.equal('EXIT_CODE');
      expect(result.result).to.deep.include({ exitCode: 3, stdout: 'undefined' });
    } finally {
      delete process.env.OKTO_TEST_SECRET;
    }
  });

  it('caps output (OUTPUT_LIMIT, truncated) and time (TIMED_OUT)', async () => {
    await fx.start(enabled({ timeoutMs: 300 }));
    const loud = await run(NODE, ['-e', 'process.stdout.write("x".repeat(5000)); setTimeout(() => {}, 2000)']);
    expect(loud.ok).to.equal(false);
    expect(loud.error!.code).to.equal('OUTPUT_LIMIT');
    const loudResult = loud.result as ShellResult;
    expect(loudResult.truncated).to.equal(true);
    expect(loudResult.stdout.length).to.be.at.most(1024);

    const slow = await run(NODE, ['-e', 'setTimeout(() => {}, 10000)']);
    expect(slow.ok).to.equal(false);
    expect(slow.error!.code).to.equal('TIMED_OUT');
    expect(slow.result).to.deep.include({ timedOut: true, exitCode: null });
  });
});

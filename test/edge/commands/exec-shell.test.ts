import { expect } from 'chai';
import { useCommandEdge } from '../../support/command-edge.js';

const NODE = process.execPath;
type ShellResult = { exitCode: number | null; stdout: string; stderr: string; truncated: boolean; timedOut: boolean };

/** exec_shell: off by default, allowlisted programs only, no shell, time and output capped, always logged. */
describe('edge commands: exec_shell', function () {
  this.timeout(30_000);
  const fx = useCommandEdge();

  const enabled = (more: Record<string, unknown> = {}) => ({ commands: { execShell: { enabled: true, allowlist: [NODE, 'echo'], timeoutMs: 3_000, maxOutputBytes: 1024, ...more } } });
  const run = async (command: string, args: string[]) => fx.factory.result(fx.factory.sendCommand('exec_shell', { command, args }));

  it('fails NOT_ENABLED when the configuration does not enable it (the default)', async () => {
    await fx.start();
    const result = await run(NODE, ['-e', '1']);
    expect(result.ok).to.equal(false);
    expect(result.error!.code).to.equal('NOT_ENABLED');
  });

  it('refuses a program that is not on the allowlist (NOT_ALLOWED), and logs the refusal', async () => {
    const edge = await fx.start(enabled());
    for (const command of ['/bin/sh', 'sh', 'node', `${NODE} -e 1`]) {
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

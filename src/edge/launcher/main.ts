import { parseArgs } from 'node:util';
import { packageVersion } from '../../runtime/cli.js';
import { startLauncher } from './launcher.js';

const USAGE = `okto-launcher --root <install root> [--crash-loop-limit 3] [--crash-loop-window-ms 60000] [--restart-delay-ms 1000] [-- <okto-edge arguments>]

Runs <root>/current (an A/B install root: releases/<version>, current → releases/<version>,
install.json), starts it again when it exits, and rolls a new version back to the previous one
when it crash-loops or does not confirm in time. Environment: OKTO_INSTALL_ROOT instead of --root.`;

/** `okto-launcher`: the edge's supervisor where there is no systemd (and under systemd's unit). */
function main(): void {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        'crash-loop-limit': { type: 'string' },
        'crash-loop-window-ms': { type: 'string' },
        'restart-delay-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (error) {
    // An unknown flag or a missing value: one line and the usage, exit 2 (as the other bins).
    process.stderr.write(`okto-launcher: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`okto-launcher ${packageVersion()}\n`);
    process.exit(0);
  }
  const root = values.root ?? process.env.OKTO_INSTALL_ROOT;
  if (values.help || !root) {
    (values.help ? process.stdout : process.stderr).write(USAGE + '\n');
    process.exit(values.help ? 0 : 2);
  }
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`okto-launcher: --${name} must be a positive integer, got "${text}"\n`);
      process.exit(2);
    }
    return n;
  };
  const launcher = startLauncher({
    root,
    args: positionals,
    crashLoopLimit: number('crash-loop-limit', values['crash-loop-limit']),
    crashLoopWindowMs: number('crash-loop-window-ms', values['crash-loop-window-ms']),
    restartDelayMs: number('restart-delay-ms', values['restart-delay-ms']),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void launcher.stop().then(() => process.exit(0)));
  }
}

main();

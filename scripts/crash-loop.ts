/**
 * The kill -9 crash cycle of test/reliability/crash.test.ts, as many times as you like:
 *
 *   npx tsx scripts/crash-loop.ts 200            (N cycles, default 200)
 *   CRASH_SEED=1234 npx tsx scripts/crash-loop.ts 50
 *
 * Starts the OKTO Cloud simulator in this process and the edge as a child process; each cycle
 * starts the edge on the same data dir, scans at speed through the TCP scanner simulator and
 * kills it -9 at a random moment. Then one more restart, a full drain, and the check that every
 * acknowledged code is stored once at the edge and once at the cloud. Prints one line per cycle
 * and a summary; exits 1 (keeping the data dir and edge.log) when anything was lost or doubled.
 * Not part of `npm test`.
 */
import { startCloudSim } from '../src/cloud-sim/server.js';
import { silentLogger } from '../src/runtime/logger.js';
import { tempDir } from '../test/support/temp-dir.js';
import { CrashCampaign } from '../test/reliability/support/crash-campaign.js';
import { checkNothingLost, describeFindings } from '../test/reliability/support/nothing-lost.js';

async function main(): Promise<number> {
  const cycles = Number(process.argv[2] ?? 200);
  if (!Number.isInteger(cycles) || cycles < 1) {
    console.error('usage: npx tsx scripts/crash-loop.ts [cycles, default 200]');
    return 2;
  }
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
  const work = tempDir('okto-crash-loop-');
  const sim = await startCloudSim({ port: 0, host: '127.0.0.1', logger: silentLogger });
  const campaign = new CrashCampaign({
    cloudUrl: sim.url,
    workDir: work.dir,
    seed,
    cloudSyncRequests: () => sim.store.syncRequests,
    log: (line) => console.log(line),
  });
  const stop = () => {
    void campaign.dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  let problems: string[] = [];
  const started = Date.now();
  try {
    console.log(`crash-loop: ${cycles} cycles, seed ${seed}, work dir ${work.dir}`);
    await campaign.provision();
    for (let i = 0; i < cycles; i++) await campaign.runCycle();
    const { exitCode } = await campaign.drainAndStop();
    if (exitCode !== 0) problems.push(`final SIGTERM exit code ${exitCode}`);
    const findings = checkNothingLost({ codes: campaign.codes, anomalies: campaign.anomalies, disk: await campaign.readDisk(), cloud: sim.store.ledger });
    problems = [...problems, ...describeFindings(findings)];
    if (campaign.strayReplies.length > 0) problems.push(`replies with no frame: ${JSON.stringify(campaign.strayReplies.slice(0, 10))}`);

    const sum = (pick: (c: (typeof campaign.cycles)[number]) => number) => campaign.cycles.reduce((n, c) => n + pick(c), 0);
    console.log(
      `crash-loop: ${cycles} kill -9 cycles in ${((Date.now() - started) / 1000).toFixed(0)} s — ${sum((c) => c.frames)} frames ` +
        `(${sum((c) => c.repeats)} repeats), ${findings.acknowledged} codes acknowledged, ${sum((c) => c.unanswered)} unanswered at a kill; ` +
        `edge ${findings.edgeBottles} bottles, cloud ${findings.cloudBottles} (${findings.counters.cloudItemsStored} items stored) — ` +
        (problems.length === 0 ? 'NOTHING LOST' : `${problems.length} PROBLEM(S)`),
    );
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    await campaign.dispose();
    await sim.close();
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(`  ✗ ${problem}`);
    console.error(`edge data and log kept in ${work.dir} (CRASH_SEED=${seed})`);
    return 1;
  }
  work.cleanup();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

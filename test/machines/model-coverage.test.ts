import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AnyStateMachine, createActor, setup } from 'xstate';
import { assertFullCoverage, machineDefinition, trackCoverage } from '../support/machine-coverage.js';

/**
 * The drift check. Each model test measures the real machine's coverage and fails on a state or
 * transition it did not take (test/support/machine-coverage.ts); this file makes sure that net has
 * no hole: every machine under machines/ has a model test that claims the whole machine, and the
 * check itself fails when a machine grows.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const filesUnder = (dir: string, suffix: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name), suffix) : entry.name.endsWith(suffix) ? [join(dir, entry.name)] : [],
  );

/** Exported machines by name: `export const xMachine = …` and machine factories `export function createXMachine(`. */
function exportedMachines(): Array<{ file: string; name: string }> {
  return filesUnder(join(root, 'machines'), '.machine.ts').flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const names = [...text.matchAll(/^export const (\w+Machine)\s*=/gm), ...text.matchAll(/^export function (create\w+Machine)\s*\(/gm)].map((m) => m[1]!);
    return names.map((name) => ({ file: relative(root, file), name }));
  });
}

/** Machines a test under test/machines/ tracks AND checks whole: `trackCoverage(x…)` in a file that calls itCoversTheWholeMachine. */
function machinesCheckedWhole(): Set<string> {
  const checked = new Set<string>();
  for (const file of filesUnder(join(root, 'test', 'machines'), '.test.ts')) {
    const text = readFileSync(file, 'utf8');
    if (!/itCoversTheWholeMachine\(/.test(text)) continue;
    for (const m of text.matchAll(/trackCoverage\((\w+)/g)) checked.add(m[1]!);
  }
  return checked;
}

describe('model tests cover every machine (drift check)', () => {
  it('finds the machines', () => {
    expect(exportedMachines().length).to.be.greaterThan(15);
  });

  it('every machine under machines/ has a model test that checks its whole transition coverage', () => {
    const checked = machinesCheckedWhole();
    const missing = exportedMachines().filter(({ name }) => !checked.has(name));
    expect(missing, 'machines without a model test ending in itCoversTheWholeMachine(trackCoverage(machine))').to.deep.equal([]);
  });

  it('no model writes a self-loop as an empty transition (XState drops it, so xstate/graph never offers the event)', () => {
    const offenders = filesUnder(join(root, 'test', 'machines'), '.test.ts').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\b[A-Z][A-Z0-9_.]*'?\s*:\s*\{\s*\}/.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).to.deep.equal([]);
  });

  describe('the coverage check itself', () => {
    const v1 = setup({}).createMachine({
      id: 'door',
      initial: 'closed',
      states: { closed: { on: { OPEN: 'open' } }, open: { on: { CLOSE: 'closed' } } },
    });
    // The same machine after a change: a new event and a new state.
    const v2 = setup({}).createMachine({
      id: 'door',
      initial: 'closed',
      states: { closed: { on: { OPEN: 'open', LOCK: 'locked' } }, open: { on: { CLOSE: 'closed' } }, locked: { on: { UNLOCK: 'closed' } } },
    });
    /** What the (old) model test does: open and close once. */
    const walkOldModel = (machine: AnyStateMachine) => {
      const coverage = trackCoverage(machine);
      const actor = createActor(machine, { inspect: coverage.inspect }).start();
      actor.send({ type: 'OPEN' });
      actor.send({ type: 'CLOSE' });
      actor.stop();
      return coverage.report();
    };

    it('lists the definition: every state and every (state, event) transition', () => {
      expect(machineDefinition(v2)).to.deep.equal({ states: ['closed', 'open', 'locked'], transitions: ['closed | OPEN', 'closed | LOCK', 'open | CLOSE', 'locked | UNLOCK'] });
    });

    it('passes when the model takes everything', () => {
      const report = walkOldModel(v1);
      expect(report).to.deep.equal({
        machine: 'door',
        states: { total: 2, reached: 2, missed: [] },
        transitions: { total: 2, taken: 2, missed: [] },
        branches: { total: 2, taken: 2, missed: [] },
      });
      assertFullCoverage(report);
    });

    it('fails, naming them, when the machine gains a state and an event the model does not exercise', () => {
      const report = walkOldModel(v2);
      expect(report.states.missed).to.deep.equal(['locked']);
      expect(report.transitions.missed).to.deep.equal(['closed | LOCK', 'locked | UNLOCK']);
      expect(() => assertFullCoverage(report)).to.throw(/not covered: locked[\s\S]*not covered: closed \| LOCK[\s\S]*not covered: locked \| UNLOCK/);
    });

    it('fails on a declared gap that no longer is one, so the list cannot go stale', () => {
      expect(() => assertFullCoverage(walkOldModel(v1), { 'open | CLOSE': 'left out on purpose' })).to.throw(/declared as a gap but covered, or not in the machine: open \| CLOSE/);
      expect(() => assertFullCoverage(walkOldModel(v1), { 'gone | EVENT': 'a state that was removed' })).to.throw(/gone \| EVENT/);
    });

    it('accepts a gap only when declared', () => {
      assertFullCoverage(walkOldModel(v2), { locked: 'why', 'closed | LOCK': 'why', 'locked | UNLOCK': 'why' });
    });
  });
});

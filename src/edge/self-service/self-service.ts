import type { ConfigOverrideStore } from '../../../adapters/store/config-override-store.js';
import { DomainError } from '../../domain/domain-error.js';
import type { JournalRecordEvent } from '../../domain/journal-record.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { Logger } from '../../runtime/logger.js';
import { oneAtATime } from '../../runtime/one-at-a-time.js';
import type { EdgeEvent } from '../edge-events.js';
import { applyOverrides, type ApplyReport, type ApplyTargets, effectivePlcs } from './apply-overrides.js';
import { OVERRIDABLE_SETTINGS, type OverrideProblem, type OverrideValues, parseOverride } from './overridable-settings.js';
import { readStoredOverrides, type StartupOverrides } from './stored-overrides.js';

/**
 * Self-service configuration: the overrides (`l2.override.*`) as a whole — read, changed
 * all-or-nothing, dropped, reloaded from the database — each change applied in place at once and
 * journaled. One change at a time: a reload never interleaves with a PUT.
 */

/** A change that cannot be made (400); nothing was stored or applied. The details name the keys. */
export class OverridesRejected extends DomainError {
  constructor(
    message: string,
    readonly problems: OverrideProblem[],
  ) {
    super('INVALID', message, { ...problems[0], issues: problems });
  }
}

/** The database holds overrides that do not pass their schemas (409): a reload applies nothing. */
export class StoredOverridesInvalid extends DomainError {
  constructor(readonly problems: OverrideProblem[]) {
    super('CONFLICT', `The stored overrides are invalid (${problems.map((p) => p.field).join(', ')}); nothing was applied`, { ...problems[0], issues: problems });
  }
}

export type ApplyTrigger = 'start' | 'put' | 'delete' | 'reload';

export interface ApplyRecord {
  trigger: ApplyTrigger;
  at: string;
  /** Who asked (username), and the actor they named in the request, if any. */
  by: string | null;
  actor: string | null;
  ok: boolean;
  keys: string[];
  report: ApplyReport | null;
  errors: OverrideProblem[];
}

export interface ChangeRequest {
  set?: Record<string, unknown> | undefined;
  unset?: string[] | undefined;
  /** Free text naming who or what made the change (a ticket, a script); journaled with the user. */
  actor?: string | undefined;
}

/** A policy an override set must pass (values by key, as they would be in force); problems name the key. */
/** May be asynchronous: a host policy resolves hostnames before it can answer. */
export type OverrideCheck = (values: OverrideValues) => OverrideProblem[] | Promise<OverrideProblem[]>;

export interface SelfServiceDeps {
  store: ConfigOverrideStore;
  /** Policies other features registered, asked at every change and reload. */
  checks?: () => OverrideCheck[];
  targets: ApplyTargets;
  startup: StartupOverrides;
  bus: EventBus<EdgeEvent>;
  logger: Logger;
}

export function createSelfService(deps: SelfServiceDeps) {
  const { store, targets, bus } = deps;
  const logger = deps.logger.child({ feature: 'self-service' });
  const serial = oneAtATime();
  let lastReload: ApplyRecord = {
    trigger: 'start',
    at: new Date().toISOString(),
    by: null,
    actor: null,
    ok: deps.startup.problems.length === 0,
    keys: deps.startup.applied,
    report: null,
    errors: deps.startup.problems,
  };
  let lastChange: ApplyRecord | null = null;

  const journal = (record: Omit<JournalRecordEvent, 'type' | 'category' | 'source'>) =>
    bus.publish({ type: 'journal.record', category: 'system', source: 'config', ...record });

  const list = (keys: string[]) => (keys.length > 0 ? keys.join(', ') : '—');
  const changedDevices = (report: ApplyReport) => [
    ...report.scanners.started,
    ...report.scanners.restarted,
    ...report.scanners.stopped,
    ...report.printers.started,
    ...report.printers.removed,
    ...report.plcs.added,
    ...report.plcs.changed,
    ...report.plcs.removed,
  ];
  const keptDevices = (report: ApplyReport) => [...report.scanners.kept, ...report.printers.kept, ...report.plcs.unchanged];

  async function apply(trigger: ApplyTrigger, values: OverrideValues, who: { user: string | null; actor: string | null }, keys: string[]): Promise<ApplyRecord> {
    const report = await applyOverrides(targets, values);
    const record: ApplyRecord = { trigger, at: new Date().toISOString(), by: who.user, actor: who.actor, ok: report.errors.length === 0, keys, report, errors: report.errors };
    if (trigger === 'reload') lastReload = record;
    else lastChange = record;
    logger.info({ trigger, keys, user: who.user, actor: who.actor, report }, 'configuration overrides applied');
    for (const error of report.errors) {
      journal({ severity: 'warning', messageKey: 'config.apply_failed', params: { key: error.field, reason: error.reason }, user: who.user });
    }
    return record;
  }

  /**
   * Checks the overrides that would be in force together: PLC bindings must name PLCs that exist,
   * and every policy another feature registered (e.g. which hosts a device may be on) must pass.
   */
  async function crossCheck(values: OverrideValues): Promise<OverrideProblem[]> {
    const problems: OverrideProblem[] = [];
    if (targets.plcs) {
      const { plcs, bindings } = effectivePlcs(values, targets.base);
      problems.push(...targets.plcs.bindingProblems(plcs, bindings).map((problem) => ({ field: `l2.override.plcBindings.${problem.field}`, reason: problem.reason })));
    }
    for (const check of deps.checks?.() ?? []) problems.push(...(await check(values)));
    return problems;
  }

  return {
    /** The overridable keys with the config path each stands for. */
    keys: () => OVERRIDABLE_SETTINGS.map((s) => ({ key: s.key, path: s.path, applies: s.applies })),

    async overrides(): Promise<{ overrides: OverrideValues; updatedAt: Record<string, string>; invalid: OverrideProblem[] }> {
      const { values, updatedAt, problems } = await readStoredOverrides(store);
      return { overrides: values, updatedAt, invalid: problems };
    },

    /**
     * Sets and unsets keys in one transaction, then applies. Every value is checked first; any
     * problem (unknown key, bad value, a key both set and unset, bindings to a PLC that would not
     * exist) rejects the whole change and nothing is stored or applied.
     */
    change(request: ChangeRequest, user: string | null): Promise<ApplyRecord> {
      return serial(async () => {
        const set = request.set ?? {};
        const unset = request.unset ?? [];
        const problems: OverrideProblem[] = [];
        const parsed: OverrideValues = {};
        for (const [key, raw] of Object.entries(set)) {
          const result = parseOverride(key, raw);
          if (result.ok) parsed[key] = result.value;
          else problems.push(...result.problems);
        }
        for (const key of unset) {
          if (!OVERRIDABLE_SETTINGS.some((s) => s.key === key)) problems.push({ field: key, reason: `Unknown setting "${key}"` });
          else if (key in set) problems.push({ field: key, reason: 'both set and unset in the same change' });
        }
        if (Object.keys(set).length === 0 && unset.length === 0) problems.push({ field: 'set', reason: 'nothing to change: give set and/or unset' });
        if (problems.length > 0) throw new OverridesRejected('Invalid configuration change', problems);

        const stored = await readStoredOverrides(store);
        const next: OverrideValues = { ...stored.values, ...parsed };
        for (const key of unset) delete next[key];
        const cross = await crossCheck(next);
        if (cross.length > 0) throw new OverridesRejected('Invalid configuration change', cross);

        await store.change(parsed, unset);
        const who = { user, actor: request.actor ?? null };
        const record = await apply('put', next, who, [...Object.keys(parsed), ...unset]);
        journal({
          severity: 'info',
          messageKey: 'config.changed',
          params: { actor: request.actor ?? user ?? '?', set: list(Object.keys(parsed)), unset: list(unset), restarted: list(changedDevices(record.report!)) },
          user,
        });
        return record;
      });
    },

    /** Drops every override: the file/environment/flag values apply again, in place. */
    clear(request: { actor?: string | undefined }, user: string | null): Promise<ApplyRecord & { dropped: string[] }> {
      return serial(async () => {
        const dropped = await store.clear();
        const record = await apply('delete', {}, { user, actor: request.actor ?? null }, dropped);
        journal({ severity: 'warning', messageKey: 'config.cleared', params: { actor: request.actor ?? user ?? '?', keys: list(dropped), restarted: list(changedDevices(record.report!)) }, user });
        return { ...record, dropped };
      });
    },

    /**
     * Re-reads the overrides from the database and applies them in place. Stored values that no
     * longer pass their schemas make the whole reload refuse (StoredOverridesInvalid): half a
     * configuration is worse than the one in force.
     */
    reload(request: { actor?: string | undefined }, user: string | null): Promise<ApplyRecord> {
      return serial(async () => {
        const { values, problems } = await readStoredOverrides(store);
        const all = [...problems, ...(await crossCheck(values))];
        if (all.length > 0) {
          lastReload = { trigger: 'reload', at: new Date().toISOString(), by: user, actor: request.actor ?? null, ok: false, keys: Object.keys(values), report: null, errors: all };
          journal({ severity: 'warning', messageKey: 'config.reload_refused', params: { actor: request.actor ?? user ?? '?', keys: list(all.map((p) => p.field)) }, user });
          throw new StoredOverridesInvalid(all);
        }
        const record = await apply('reload', values, { user, actor: request.actor ?? null }, Object.keys(values));
        const report = record.report!;
        journal({
          severity: record.ok ? 'info' : 'warning',
          messageKey: 'config.reloaded',
          params: { actor: request.actor ?? user ?? '?', restarted: list(changedDevices(report)), kept: list(keptDevices(report)), runtime: list(report.runtime) },
          user,
        });
        return record;
      });
    },

    /** Journals what happened at start (called once the bus has its listeners). */
    announceStart(): void {
      for (const problem of deps.startup.problems) {
        journal({ severity: 'warning', messageKey: 'config.override_ignored', params: { key: problem.field, reason: problem.reason } });
      }
    },

    lastReload: () => lastReload,
    lastChange: () => lastChange,
  };
}

export type SelfService = ReturnType<typeof createSelfService>;

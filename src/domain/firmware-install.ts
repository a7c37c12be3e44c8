import { z } from 'zod';

/**
 * A/B installs of the edge (shared by the edge's installer, its launcher and the factory's reading
 * of results). An install root holds:
 *
 *   <root>/releases/<version>/   one unpacked release each (manifest.json at its top)
 *   <root>/current               symlink → releases/<version>: what runs; switched by renaming a temp link
 *   <root>/install.json          the install in progress or the last one (InstallRecord)
 *
 * The running version never changes its own files: a new version is unpacked beside it, the link
 * switched, the process restarted; the previous release stays on disk so it can be started again.
 */

/** manifest.json at the top of a release artifact (written by `npm run package`). */
export const releaseManifestSchema = z
  .object({
    name: z.string().min(1).max(100),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/),
    /** The Node.js range the release needs, as package.json engines.node (e.g. ">=20.19"). */
    node: z.string().max(100),
    /** The file the launcher runs, relative to the release directory. */
    entry: z.string().min(1).max(200),
    builtAt: z.string().optional(),
  })
  .passthrough();
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

export const INSTALL_STATES = ['restarting', 'confirmed', 'rolled_back'] as const;
export type InstallState = (typeof INSTALL_STATES)[number];

/** The install in progress (restarting) or how the last one ended. Written atomically; read by every version. */
export const installRecordSchema = z.object({
  state: z.enum(INSTALL_STATES),
  /** The version running before (started again on a rollback); null on a first install. */
  from: z.string().nullable(),
  to: z.string(),
  commandId: z.string().nullable(),
  deploymentId: z.string().nullable(),
  /** How long the new version has, from its start, to say hello to the factory and be healthy. */
  confirmTimeoutMs: z.number().int().positive(),
  startedAt: z.string(),
  updatedAt: z.string(),
  /** Why it rolled back (rolled_back only). */
  reason: z.string().nullable(),
  /** The restored version wrote the rollback into its journal (once, not at every start). */
  journaled: z.boolean().optional(),
});
export type InstallRecord = z.infer<typeof installRecordSchema>;

/** The edge exits with this code to be started again by the launcher (into whatever `current` names now). */
export const RESTART_EXIT_CODE = 75;

/** The error code of an update_firmware whose new version did not confirm and was replaced by the previous one. */
export const ROLLED_BACK_CODE = 'ROLLED_BACK';

/** Whether `nodeVersion` (e.g. "20.19.2") satisfies a simple range: ">=X[.Y[.Z]]", "^X.Y", "X.x", "*"; anything else is accepted. */
export function nodeSatisfies(range: string, nodeVersion: string): boolean {
  const have = nodeVersion.replace(/^v/, '').split('.').map(Number);
  const parse = (text: string) => text.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
  const atLeast = (want: number[]) => {
    for (let i = 0; i < 3; i++) {
      const a = have[i] ?? 0;
      const b = want[i] ?? 0;
      if (a !== b) return a > b;
    }
    return true;
  };
  return range
    .split('||')
    .map((alternative) => alternative.trim())
    .some((alternative) => {
      if (alternative === '' || alternative === '*') return true;
      return alternative.split(/\s+/).every((part) => {
        const ge = /^>=\s*([\d.]+)$/.exec(part);
        if (ge) return atLeast(parse(ge[1]!));
        const caret = /^\^([\d.]+)$/.exec(part);
        if (caret) return atLeast(parse(caret[1]!)) && have[0] === parse(caret[1]!)[0];
        const major = /^(\d+)(\.x)?$/.exec(part);
        if (major) return have[0] === Number(major[1]);
        return true; // a form this check does not know: the release's own start will tell
      });
    });
}

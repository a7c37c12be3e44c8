import { aiDefinition } from './ai-table.js';
import type { IndustryProfile } from './profiles.js';

/**
 * What is wrong with a profile, as readable sentences; empty when it is usable. Catalogs edit
 * profiles at runtime, so a bad edit must be refused up front rather than reject every scan later.
 */
export function profileProblems(profile: IndustryProfile): string[] {
  const problems: string[] = [];
  if (typeof profile.name !== 'string' || profile.name.length === 0) problems.push('Profile needs a name');

  if (profile.format === 'raw') {
    const gtins = profile.segments.filter((s) => s.role === 'gtin');
    const serials = profile.segments.filter((s) => s.role === 'serial');
    if (gtins.length !== 1) problems.push('Profile needs exactly one GTIN segment');
    else if (gtins[0]!.length !== 14 || gtins[0]!.charset !== 'numeric') {
      problems.push('GTIN segment must be 14 digits');
    }
    if (serials.length !== 1) problems.push('Profile needs exactly one serial segment');
    for (const s of profile.segments) {
      if (!Number.isInteger(s.length) || s.length < 1) problems.push(`Segment ${s.name} needs a positive length`);
    }
    return problems;
  }

  const seen = new Set<string>();
  for (const e of profile.elements) {
    const def = aiDefinition(e.ai);
    if (def === undefined || def.id !== e.ai) {
      problems.push(`Unknown AI ${e.ai}`);
      continue;
    }
    if (seen.has(e.ai)) problems.push(`AI ${e.ai} listed twice`);
    seen.add(e.ai);
    if (def.variable) {
      for (const length of [e.length, ...(e.alternativeLengths ?? [])]) {
        if (!Number.isInteger(length) || length < 1 || length > def.length) {
          problems.push(`AI ${e.ai} length must be 1 to ${def.length}`);
        }
      }
    } else if (e.length !== def.length || (e.alternativeLengths ?? []).some((l) => l !== def.length)) {
      problems.push(`AI ${e.ai} has a fixed length of ${def.length}`);
    }
  }
  for (const ai of ['01', '21']) {
    const e = profile.elements.find((x) => x.ai === ai);
    if (e === undefined || e.optional) problems.push(`Profile needs AI ${ai}`);
  }
  return problems;
}

/**
 * What a scanner's reads mean on the line (the spec's scanner `role`). ADD is the main line
 * scanner and the hot path; every other role acts on a unit (or batch) that already exists.
 * The semantics are written up in the README ("Scanner roles").
 */
export const SCANNER_ROLES = ['ADD', 'REMOVE', 'VERIFY_LOCAL_BUFFER', 'REJECTION', 'PACKAGE', 'BOX', 'REJECTION_FEEDBACK'] as const;
export type ScannerRole = (typeof SCANNER_ROLES)[number];

/** A scanner configured without a role is the line scanner. */
export const DEFAULT_SCANNER_ROLE = 'ADD' as const satisfies ScannerRole;

/** Every role but ADD: these go to the role handler instead of the group committer. */
export type NonAddRole = Exclude<ScannerRole, 'ADD'>;

import { COMMAND_ROLE } from '../../src/domain/device-commands.js';
import { type Role, roleAtLeast } from '../../src/domain/roles.js';
import type { CommandRecord } from '../../src/domain/ports/command-port.js';

/**
 * What a reader may see of a command: its result (exec_shell's stdout, pull_logs' lines) only
 * with the role its type needs to be sent. Below that the status, stage and error code stay,
 * and the result becomes `{ redacted: true, requiredRole }`, so an OPERATOR still sees that a
 * command ran and how it ended, but not what it printed.
 */
export function redactCommandFor(role: Role, command: CommandRecord): CommandRecord {
  const required = COMMAND_ROLE[command.type];
  if (roleAtLeast(role, required) || command.result === null || command.result === undefined) return command;
  return { ...command, result: { redacted: true, requiredRole: required } };
}

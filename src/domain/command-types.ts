import type { Role } from './roles.js';

/**
 * The commands a factory can send an edge, the role each needs and the statuses a command goes
 * through. Plain data with no zod, so the factory console bundles it as it is; the params' schemas
 * are in device-commands.ts, which re-exports all of this.
 */
export const COMMAND_TYPES = [
  'restart_service',
  'reboot_os',
  'shutdown_os',
  'force_sync',
  'clear_queue',
  'pull_logs',
  'push_config',
  'update_firmware',
  'exec_shell',
  'enable_device',
  'disable_device',
  'set_order',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** Routine commands are MANAGER's; what can stop a line, lose data or run code is ADMIN's. */
export const COMMAND_ROLE: Record<CommandType, Role> = {
  restart_service: 'MANAGER',
  force_sync: 'MANAGER',
  pull_logs: 'MANAGER',
  push_config: 'MANAGER',
  enable_device: 'MANAGER',
  disable_device: 'MANAGER',
  // A production order for the line (issue 14): planning work, as pushing its config is.
  set_order: 'MANAGER',
  reboot_os: 'ADMIN',
  shutdown_os: 'ADMIN',
  clear_queue: 'ADMIN',
  update_firmware: 'ADMIN',
  exec_shell: 'ADMIN',
};

/** QUEUED → SENT → DELIVERED → SUCCEEDED | FAILED | TIMED_OUT; EXPIRED (never delivered in time); CANCELED. */
export const COMMAND_STATUSES = ['QUEUED', 'SENT', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED', 'CANCELED'] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
export const FINAL_COMMAND_STATUSES: ReadonlySet<CommandStatus> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'EXPIRED', 'CANCELED']);


import type { Role } from '../domain/roles.js';

/** What a token is checked against on every request: the user as stored now. */
export interface SessionState {
  username: string;
  role: Role;
  /** Raised by logout, a password change, disabling and role changes: tokens with an older version are dead. */
  tokenVersion: number;
  disabled: boolean;
  mustChangePassword: boolean;
}

/**
 * The in-memory copy of every user's session state: a token is checked against it on every
 * request and WebSocket upgrade without a database read. The user store fills it at start and
 * updates it after each committed change, so a revocation takes effect with the commit. (Only
 * right with one service process per database, which is how the edge and the factory run.)
 */
export class UserSessions {
  private readonly states = new Map<string, SessionState>();
  private readonly listeners = new Set<(userId: string) => void>();

  get(userId: string): SessionState | undefined {
    return this.states.get(userId);
  }

  set(userId: string, state: SessionState): void {
    const before = this.states.get(userId);
    this.states.set(userId, state);
    if (before && (before.tokenVersion !== state.tokenVersion || (!before.disabled && state.disabled))) this.notify(userId);
  }

  /** Told whenever a user's tokens stop being valid (open WebSockets are closed on it). */
  onRevoked(listener: (userId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(userId: string) {
    for (const listener of this.listeners) {
      try {
        listener(userId);
      } catch {
        // a listener's failure must not stop the revocation reaching the others
      }
    }
  }
}

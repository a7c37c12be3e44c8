import net from 'node:net';
import { parseErrLine, parseVarLine, quoteNutWord } from './nut-protocol.js';

/**
 * A client for NUT's upsd (TCP 3493): one connection, requests answered strictly in order. Each
 * request has a timeout; a timeout, a line that is not an answer, a line too long or a closed
 * socket ends the connection for good (the answers' order can no longer be trusted). Reconnecting
 * is the caller's job (the UPS actor backs off and builds a new client).
 *
 * Only what the edge needs: GET VAR, LIST VAR, USERNAME/PASSWORD/LOGIN, LOGOUT.
 */

export type NutErrorCode =
  /** upsd's own refusals, e.g. UNKNOWN-UPS, VAR-NOT-SUPPORTED, ACCESS-DENIED, DATA-STALE, DRIVER-NOT-CONNECTED */
  | (string & {})
  | 'TIMEOUT'
  | 'PROTOCOL'
  | 'CLOSED'
  | 'CONNECT';

export class NutError extends Error {
  override readonly name = 'NutError';
  constructor(
    readonly code: NutErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface NutClientOptions {
  host: string;
  port: number;
  /** Per request and for the TCP connect. */
  timeoutMs: number;
  /** A line longer than this is garbage, not an answer (guards memory against a babbling peer). */
  maxLineBytes?: number;
}

interface Pending {
  command: string;
  /** Returns true once the answer is complete; throws NutError for a line that is not an answer. */
  accept(line: string): boolean;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class NutClient {
  private buffer = '';
  private readonly queue: Pending[] = [];
  private closedError: NutError | null = null;
  private readonly closeListeners: Array<(error: NutError) => void> = [];

  private constructor(
    private readonly socket: net.Socket,
    private readonly options: Required<NutClientOptions>,
  ) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      // Whatever upsd sends, a failure while reading it ends this connection, never the process.
      try {
        this.receive(chunk);
      } catch (error) {
        this.abort(new NutError('PROTOCOL', `could not read upsd's answer: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
    socket.on('error', (error) => this.fail(new NutError('CLOSED', `upsd connection error: ${error.message}`)));
    socket.on('close', () => this.fail(new NutError('CLOSED', 'upsd closed the connection')));
  }

  /** Opens a connection; rejects with NutError('CONNECT' | 'TIMEOUT'). */
  static connect(options: NutClientOptions): Promise<NutClient> {
    const full = { maxLineBytes: 8192, ...options };
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new NutError('TIMEOUT', `no connection to upsd at ${options.host}:${options.port} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new NutError('CONNECT', `cannot connect to upsd at ${options.host}:${options.port}: ${error.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new NutClient(socket, full));
      });
    });
  }

  get peer(): string {
    return `${this.socket.remoteAddress ?? this.options.host}:${this.socket.remotePort ?? this.options.port}`;
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  /** Called once when the connection ends for whatever reason (not after close() by us). */
  onClose(listener: (error: NutError) => void): void {
    this.closeListeners.push(listener);
  }

  /** `GET VAR <ups> <name>` → the value. */
  async getVar(ups: string, name: string): Promise<string> {
    let value: string | null = null;
    await this.request(`GET VAR ${quoteNutWord(ups)} ${quoteNutWord(name)}`, (line) => {
      const parsed = parseVarLine(line);
      if (!parsed || parsed.ups !== ups || parsed.name !== name) throw new NutError('PROTOCOL', `unexpected answer to GET VAR: ${preview(line)}`);
      value = parsed.value;
      return true;
    });
    return value!;
  }

  /** `LIST VAR <ups>` → every variable the UPS has. */
  async listVars(ups: string): Promise<Record<string, string>> {
    const vars: Record<string, string> = {};
    let begun = false;
    await this.request(`LIST VAR ${quoteNutWord(ups)}`, (line) => {
      if (!begun) {
        if (line !== `BEGIN LIST VAR ${ups}`) throw new NutError('PROTOCOL', `unexpected answer to LIST VAR: ${preview(line)}`);
        begun = true;
        return false;
      }
      if (line === `END LIST VAR ${ups}`) return true;
      const parsed = parseVarLine(line);
      if (!parsed || parsed.ups !== ups) throw new NutError('PROTOCOL', `unexpected line in LIST VAR: ${preview(line)}`);
      vars[parsed.name] = parsed.value;
      return false;
    });
    return vars;
  }

  /** USERNAME + PASSWORD (upsd.users); the password is never part of an error message. */
  async authenticate(username: string, password: string): Promise<void> {
    await this.request(`USERNAME ${quoteNutWord(username)}`, expectOk('USERNAME'));
    await this.request(`PASSWORD ${quoteNutWord(password)}`, expectOk('PASSWORD'));
  }

  /** LOGIN <ups>: upsd counts this client as a monitor of the UPS (needs `upsmon` rights). */
  async login(ups: string): Promise<void> {
    await this.request(`LOGIN ${quoteNutWord(ups)}`, expectOk('LOGIN'));
  }

  /** LOGOUT (best effort, bounded by the timeout), then closes. Never throws. */
  async logout(): Promise<void> {
    if (!this.closed) {
      await this.request('LOGOUT', (line) => {
        if (!line.startsWith('OK')) throw new NutError('PROTOCOL', `unexpected answer to LOGOUT: ${preview(line)}`);
        return true;
      }).catch(() => undefined);
    }
    this.close();
  }

  /** Closes now; requests still waiting fail with CLOSED. */
  close(): void {
    this.fail(new NutError('CLOSED', 'closed by the client'), false);
    this.socket.destroy();
  }

  private request(command: string, accept: (line: string) => boolean): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new NutError('TIMEOUT', `upsd did not answer "${command.split(' ')[0]}" within ${this.options.timeoutMs} ms`));
        this.socket.destroy();
      }, this.options.timeoutMs);
      this.queue.push({ command, accept, resolve, reject, timer });
      this.socket.write(`${command}\n`);
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
      if (this.closedError) return;
    }
    if (this.buffer.length > this.options.maxLineBytes) this.abort(new NutError('PROTOCOL', `line longer than ${this.options.maxLineBytes} bytes`));
  }

  private line(line: string): void {
    const head = this.queue[0];
    if (!head) {
      this.abort(new NutError('PROTOCOL', `unsolicited line from upsd: ${preview(line)}`));
      return;
    }
    const err = parseErrLine(line);
    if (err) {
      // A refusal answers this request only; the connection stays usable.
      this.queue.shift();
      clearTimeout(head.timer);
      head.reject(new NutError(err, `upsd refused ${head.command.split(' ').slice(0, 2).join(' ')}: ${err}`));
      return;
    }
    let done: boolean;
    try {
      done = head.accept(line);
    } catch (error) {
      this.abort(error instanceof NutError ? error : new NutError('PROTOCOL', String(error)));
      return;
    }
    if (done) {
      this.queue.shift();
      clearTimeout(head.timer);
      head.resolve();
    }
  }

  private abort(error: NutError): void {
    this.fail(error);
    this.socket.destroy();
  }

  private fail(error: NutError, notify = true): void {
    if (this.closedError) return;
    this.closedError = error;
    for (const pending of this.queue.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    if (!notify) return;
    for (const listener of this.closeListeners) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not escape into the socket's event handler.
      }
    }
  }
}

const expectOk = (what: string) => (line: string) => {
  if (!line.startsWith('OK')) throw new NutError('PROTOCOL', `unexpected answer to ${what}: ${preview(line)}`);
  return true;
};

/** Enough of a line to recognise it in a log, without dumping whatever a broken peer sent. */
function preview(line: string): string {
  const printable = line.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(printable.length > 80 ? `${printable.slice(0, 80)}…` : printable);
}

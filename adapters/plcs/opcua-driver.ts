/**
 * OPC UA PLC driver (node-opcua client): one client + one anonymous session, security None.
 *
 * The PLC actor owns reconnecting (backoff with jitter), so the client is told not to repair
 * links on its own (maxRetry 0 by default): node-opcua otherwise retries forever and a dead PLC
 * would hang connect() and hide the disconnect from the actor. Every network step is bounded by
 * a timeout. Addresses are NodeId strings (`ns=2;s=Line.Eject`, `ns=3;i=1001`).
 */
import {
  AttributeIds,
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  resolveNodeId,
  type ClientSession,
  type NodeId,
} from 'node-opcua';
import { browseOpcUaTags, DEFAULT_BROWSE_LIMITS, type OpcUaBrowseLimits } from './opcua-browse.js';
import { fromVariantValue, toVariant } from './opcua-values.js';
import type { PlcDriver, PlcTag, PlcValue } from './plc-driver.js';

export interface OpcUaDriverConfig {
  /** e.g. `opc.tcp://10.0.0.5:4840`. The server's advertised hostname need not resolve from the edge. */
  endpointUrl: string;
  /** Only 'None' for now (anonymous, unsigned): line PLCs sit on an isolated cell network. */
  securityMode?: 'None';
  /** Bound on connect + session creation (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Bound on each read/write/browse request (default 3000 ms). */
  requestTimeoutMs?: number;
  /** Extra connection attempts inside one connect() (default 0: the PLC actor retries with backoff). */
  connectRetries?: number;
  /** Idle keep-alive read interval that detects a silently dead peer (default 5000 ms). */
  keepAliveIntervalMs?: number;
  /** Where the client keeps its PKI (its own certificate); default: node-opcua's per-user folder. */
  pkiFolder?: string;
  browse?: Partial<OpcUaBrowseLimits>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_REQUEST_TIMEOUT_MS = 3000;
const DEFAULT_KEEPALIVE_MS = 5000;
const CLOSE_TIMEOUT_MS = 2000;

interface Link {
  client: OPCUAClient;
  session: ClientSession;
  /** Set once the link is finished (lost or closed): later events of this client are ignored. */
  over: boolean;
}

export class OpcUaDriver implements PlcDriver {
  readonly protocol = 'OPC_UA';
  private link: Link | null = null;
  private connecting: Promise<void> | null = null;
  private readonly disconnectListeners = new Set<(reason: string) => void>();
  /** The built-in type each address was last seen with: writes must send exactly that type. */
  private readonly writeTypes = new Map<string, DataType>();

  constructor(private readonly config: OpcUaDriverConfig) {
    if (!/^opc\.tcp:\/\/[^/]+/.test(config.endpointUrl)) throw new Error(`OPC UA: endpointUrl must look like opc.tcp://host:port, got "${config.endpointUrl}"`);
    if (config.securityMode && config.securityMode !== 'None') throw new Error(`OPC UA: security mode ${String(config.securityMode)} is not supported (None only)`);
  }

  get connected(): boolean {
    return this.link !== null && !this.link.over;
  }

  /** Concurrent connect() calls share one attempt instead of opening two clients. */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<void> {
    this.writeTypes.clear(); // the PLC may have been reprogrammed while we were away
    const { endpointUrl } = this.config;
    const requestTimeout = this.config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const client = OPCUAClient.create({
      applicationName: 'OKTO edge',
      endpointMustExist: false,
      securityMode: MessageSecurityMode.None,
      securityPolicy: SecurityPolicy.None,
      connectionStrategy: { maxRetry: this.config.connectRetries ?? 0, initialDelay: 200, maxDelay: 1000 },
      keepSessionAlive: true,
      keepAliveInterval: this.config.keepAliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
      defaultTransactionTimeout: requestTimeout,
      ...(this.config.pkiFolder ? { clientCertificateManager: new OPCUACertificateManager({ rootFolder: this.config.pkiFolder }) } : {}),
    });
    const attempt = (async () => {
      await client.connect(endpointUrl);
      return client.createSession();
    })();
    let session: ClientSession;
    try {
      session = await withTimeout(attempt, this.config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, `OPC UA connect to ${endpointUrl}`);
    } catch (error) {
      attempt.catch(() => undefined);
      await withTimeout(client.disconnect(), CLOSE_TIMEOUT_MS, 'OPC UA disconnect').catch(() => undefined);
      throw new Error(`OPC UA: cannot connect to ${endpointUrl}: ${messageOf(error)}`);
    }
    const link: Link = { client, session, over: false };
    this.link = link;
    client.on('connection_lost', () => this.lost(link, 'connection lost'));
    client.on('close', (err) => this.lost(link, err ? `connection closed: ${err.message}` : 'connection closed'));
    session.on('session_closed', (status) => this.lost(link, `session closed (${status.name})`));
    session.on('keepalive_failure', () => this.lost(link, 'keep-alive failed'));
  }

  async read(address: string): Promise<PlcValue> {
    const session = this.sessionFor('read', address);
    const nodeId = parseNodeId(address);
    const dataValue = await this.request(session.read({ nodeId, attributeId: AttributeIds.Value }), `read ${address}`);
    if (dataValue.statusCode.isNotGood()) throw new Error(`OPC UA read ${address}: ${dataValue.statusCode.name}`);
    this.writeTypes.set(address, dataValue.value.dataType);
    return fromVariantValue(dataValue.value, address);
  }

  async write(address: string, value: PlcValue): Promise<void> {
    const session = this.sessionFor('write', address);
    const nodeId = parseNodeId(address);
    const dataType = this.writeTypes.get(address) ?? (await this.learnType(session, nodeId, address));
    const variant = toVariant(dataType, value, address);
    const status = await this.request(session.write({ nodeId, attributeId: AttributeIds.Value, value: { value: variant } }), `write ${address}`);
    if (status.isNotGood()) {
      this.writeTypes.delete(address); // e.g. BadTypeMismatch after a PLC program change: learn the type again
      throw new Error(`OPC UA write ${address}: ${status.name}`);
    }
  }

  async browse(): Promise<PlcTag[]> {
    const session = this.sessionFor('browse', 'Objects');
    const limits = { ...DEFAULT_BROWSE_LIMITS, ...this.config.browse };
    return this.request(browseOpcUaTags(session, limits), 'browse', limits.timeoutMs);
  }

  onDisconnect(listener: (reason: string) => void): void {
    this.disconnectListeners.add(listener);
  }

  async close(): Promise<void> {
    await this.connecting?.catch(() => undefined); // a link still being opened is closed too
    const link = this.link;
    this.link = null;
    if (!link) return;
    link.over = true; // a close we asked for is not a lost link
    await this.teardown(link);
  }

  /** Reads the value once to learn the built-in type the server stores (Int16 vs Int32 vs Double …). */
  private async learnType(session: ClientSession, nodeId: NodeId, address: string): Promise<DataType> {
    const dataValue = await this.request(session.read({ nodeId, attributeId: AttributeIds.Value }), `write ${address} (type probe)`);
    if (dataValue.statusCode.isNotGood()) throw new Error(`OPC UA write ${address}: ${dataValue.statusCode.name}`);
    if (dataValue.value.dataType === DataType.Null) throw new Error(`OPC UA write ${address}: the node holds no value, its type is unknown`);
    this.writeTypes.set(address, dataValue.value.dataType);
    return dataValue.value.dataType;
  }

  private sessionFor(action: string, address: string): ClientSession {
    if (!this.link || this.link.over) throw new Error(`OPC UA ${action} ${address}: not connected`);
    return this.link.session;
  }

  private request<T>(promise: Promise<T>, what: string, timeoutMs = this.config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS): Promise<T> {
    return withTimeout(promise, timeoutMs, `OPC UA ${what}`).catch((error: unknown) => {
      throw error instanceof Error && error.message.startsWith('OPC UA') ? error : new Error(`OPC UA ${what}: ${messageOf(error)}`);
    });
  }

  private lost(link: Link, reason: string): void {
    if (link.over) return;
    link.over = true;
    if (this.link === link) this.link = null;
    // Stop node-opcua from repairing on its own (when connectRetries > 0): the actor reconnects.
    void this.teardown(link);
    for (const listener of this.disconnectListeners) listener(reason);
  }

  private async teardown(link: Link): Promise<void> {
    await withTimeout(link.session.close(), CLOSE_TIMEOUT_MS, 'OPC UA session close').catch(() => undefined);
    await withTimeout(link.client.disconnect(), CLOSE_TIMEOUT_MS, 'OPC UA disconnect').catch(() => undefined);
  }
}

/** `ns=2;s=Line.Eject` → NodeId, with an error that names the address (node-opcua's says "Invalid nodeId"). */
function parseNodeId(address: string): NodeId {
  try {
    return resolveNodeId(address);
  } catch {
    throw new Error(`OPC UA: "${address}" is not a NodeId (expected e.g. ns=2;s=Line.Eject or ns=3;i=1001)`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

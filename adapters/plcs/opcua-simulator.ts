/**
 * A simulated line PLC speaking OPC UA: a node-opcua server whose address space holds a small
 * line model under Objects/Line (ns = the simulator's namespace, `ns=2;s=Line.Eject` …).
 * Tests and the line simulator use it to drive the OPC UA driver end to end: the PLC side sets
 * values (`set`), the edge side writes through the network and the simulator records each write.
 *
 * Values live outside the server, so a stop/start (a PLC reboot) keeps them and the restarted
 * server listens on the same port as before — that is what a reconnecting client expects.
 */
import path from 'node:path';
import { DataType, OPCUACertificateManager, OPCUAServer, SecurityPolicy, MessageSecurityMode, StatusCodes, Variant } from 'node-opcua';
import type { PlcValue } from './plc-driver.js';

export const OPCUA_SIMULATOR_NAMESPACE = 'urn:okto:line-plc-simulator';

type SimulatedType = 'Boolean' | 'Int32' | 'Double' | 'String';

interface TagSpec {
  type: SimulatedType;
  /** Whether a client may write it (outputs the edge drives); the others are PLC-owned inputs. */
  writable: boolean;
  initial: PlcValue;
}

/** The line model: edge → PLC outputs are writable, PLC → edge states and counters are read-only. */
export const OPCUA_LINE_TAGS = {
  Eject: { type: 'Boolean', writable: true, initial: false },
  Running: { type: 'Boolean', writable: false, initial: true },
  GoodCounter: { type: 'Int32', writable: false, initial: 0 },
  RejectCounter: { type: 'Int32', writable: false, initial: 0 },
  StopRequest: { type: 'Boolean', writable: true, initial: false },
  CurrentGtin: { type: 'String', writable: true, initial: '' },
  Alarm: { type: 'Boolean', writable: true, initial: false },
  /** A real-valued setpoint, so drivers exercise Double as well. */
  SpeedSetpoint: { type: 'Double', writable: true, initial: 0 },
} as const satisfies Record<string, TagSpec>;

export type OpcUaLineTag = keyof typeof OPCUA_LINE_TAGS;

export interface OpcUaSimulatorWrite {
  tag: OpcUaLineTag;
  value: PlcValue;
  at: number;
}

export interface OpcUaSimulatorOptions {
  /** 0 (default) lets the OS pick a free port; later restarts reuse the port picked first. */
  port?: number;
  /** Where the server keeps its PKI (own certificate, trusted/rejected peers). Use a temp dir in tests. */
  pkiFolder?: string;
}

export class OpcUaPlcSimulator {
  readonly writes: OpcUaSimulatorWrite[] = [];
  private readonly values = new Map<OpcUaLineTag, PlcValue>();
  private readonly writeListeners = new Set<(write: OpcUaSimulatorWrite) => void>();
  private server: OPCUAServer | null = null;
  private boundPort: number;
  private nsIndex = -1;

  constructor(private readonly options: OpcUaSimulatorOptions = {}) {
    this.boundPort = options.port ?? 0;
    for (const [tag, spec] of Object.entries(OPCUA_LINE_TAGS)) this.values.set(tag as OpcUaLineTag, spec.initial);
  }

  get running(): boolean {
    return this.server !== null;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Loopback URL; the server advertises its hostname, which clients need not resolve (endpointMustExist: false). */
  get endpointUrl(): string {
    return `opc.tcp://127.0.0.1:${this.boundPort}`;
  }

  /** The NodeId string of a line tag, e.g. `ns=2;s=Line.Eject`. */
  nodeId(tag: OpcUaLineTag): string {
    if (this.nsIndex < 0) throw new Error('OPC UA simulator: start() it before asking for node ids');
    return `ns=${this.nsIndex};s=Line.${tag}`;
  }

  value(tag: OpcUaLineTag): PlcValue {
    return this.values.get(tag)!;
  }

  /** The PLC side changing a value (a counter ticking, the line stopping); not recorded as a write. */
  set(tag: OpcUaLineTag, value: PlcValue): void {
    this.values.set(tag, coerce(OPCUA_LINE_TAGS[tag].type, value));
  }

  onWrite(listener: (write: OpcUaSimulatorWrite) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const pki = this.options.pkiFolder;
    const server = new OPCUAServer({
      port: this.boundPort,
      securityModes: [MessageSecurityMode.None],
      securityPolicies: [SecurityPolicy.None],
      allowAnonymous: true,
      // Clients dial 127.0.0.1; advertising it too spares the "no suitable endpoint" warning per session.
      alternateHostname: ['127.0.0.1'],
      buildInfo: { productName: 'OKTO line PLC simulator' },
      ...(pki
        ? {
            serverCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(pki, 'server'), automaticallyAcceptUnknownCertificate: true }),
            userCertificateManager: new OPCUACertificateManager({ rootFolder: path.join(pki, 'user'), automaticallyAcceptUnknownCertificate: true }),
          }
        : {}),
    });
    await server.initialize();
    this.buildAddressSpace(server);
    await server.start();
    // node-opcua reads the OS-assigned port back into the endpoint once it listens.
    this.boundPort = server.endpoints[0]!.port;
    this.server = server;
  }

  /** Stops listening and drops every client connection at once (no shutdown grace period). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await server.shutdown(0);
  }

  private buildAddressSpace(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error('OPC UA simulator: the server has no address space after initialize()');
    const namespace = addressSpace.registerNamespace(OPCUA_SIMULATOR_NAMESPACE);
    this.nsIndex = namespace.index;
    const line = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: 'Line', nodeId: 's=Line' });
    for (const [name, spec] of Object.entries(OPCUA_LINE_TAGS) as [OpcUaLineTag, TagSpec][]) {
      const dataType = DataType[spec.type];
      namespace.addVariable({
        componentOf: line,
        browseName: name,
        nodeId: `s=Line.${name}`,
        dataType: spec.type,
        accessLevel: spec.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        userAccessLevel: spec.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead',
        // The getter reads the current value on each request; the interval only matters to subscriptions.
        minimumSamplingInterval: 50,
        value: {
          get: () => new Variant({ dataType, value: this.values.get(name) }),
          set: (variant: Variant) => {
            if (!spec.writable) return StatusCodes.BadNotWritable;
            const value = variant.value as PlcValue;
            this.values.set(name, value);
            const write = { tag: name, value, at: Date.now() };
            this.writes.push(write);
            for (const listener of this.writeListeners) listener(write);
            return StatusCodes.Good;
          },
        },
      });
    }
  }
}

function coerce(type: SimulatedType, value: PlcValue): PlcValue {
  switch (type) {
    case 'Boolean':
      return Boolean(value);
    case 'Int32':
      return Math.trunc(Number(value));
    case 'Double':
      return Number(value);
    case 'String':
      return String(value);
  }
}

import type { PlcConfig, PlcProtocol } from './plcs-config.js';
import { ethernetIpDriverEntry } from './ethernet-ip-driver-entry.js';
import { parseModbusAddress } from './modbus-address.js';
import { createModbusDriver } from './modbus-driver.js';
import { opcUaDriverEntry } from './opcua-driver-entry.js';
import type { PlcDriver } from './plc-driver.js';
import type { PlcDriverEntry } from './plc-driver-entry.js';
import { createProfinetGatewayDriver, resolveGatewayAddress } from './profinet-gateway-driver.js';
import { createTcpSocketDriver } from './tcp-socket-driver.js';

export type { PlcDriverEntry } from './plc-driver-entry.js';

const modbusAddressProblem = (_config: PlcConfig, address: string) => {
  const parsed = parseModbusAddress(address);
  return typeof parsed === 'string' ? parsed : null;
};

/**
 * The registry (tests may add or replace entries with registerPlcDriver). OPC_UA and ETHERNET_IP
 * come from their `*-driver-entry.ts` modules, which load node-opcua / st-ethernet-ip on first connect.
 */
export const PLC_DRIVERS: Partial<Record<PlcProtocol, PlcDriverEntry>> = {
  MODBUS_TCP: {
    create: (config) =>
      createModbusDriver({ transport: 'tcp', host: config.host ?? '127.0.0.1', port: config.port ?? 502, unitId: config.unitId, timeoutMs: config.timeoutMs }),
    checkAddress: modbusAddressProblem,
  },
  MODBUS_RTU: {
    create: (config) => {
      if (!config.serial) throw new Error('MODBUS_RTU needs serial.path');
      return createModbusDriver({ transport: 'rtu', ...config.serial, unitId: config.unitId, timeoutMs: config.timeoutMs });
    },
    checkAddress: modbusAddressProblem,
  },
  PROFINET: {
    create: (config) =>
      createProfinetGatewayDriver({
        host: config.host ?? '127.0.0.1',
        port: config.port ?? 502,
        unitId: config.unitId,
        timeoutMs: config.timeoutMs,
        registers: config.gateway?.registers ?? {},
      }),
    checkAddress: (config, address) => {
      const resolved = resolveGatewayAddress(config.gateway?.registers ?? {}, address);
      return typeof resolved === 'string' ? null : resolved.error;
    },
    // The gateway map is the tag list.
    browses: true,
  },
  TCP_SOCKET: {
    create: (config) => createTcpSocketDriver({ host: config.host ?? '127.0.0.1', port: config.port ?? 0, timeoutMs: config.timeoutMs }),
    checkAddress: (_config, address) => (/^\S{1,128}$/.test(address) ? null : 'a TCP_SOCKET address is 1-128 characters without spaces'),
  },
  OPC_UA: opcUaDriverEntry,
  ETHERNET_IP: ethernetIpDriverEntry,
};

export function registerPlcDriver(protocol: PlcProtocol, entry: PlcDriverEntry): void {
  PLC_DRIVERS[protocol] = entry;
}

/** A driver for this PLC; throws (→ the actor backs off and shows the message) when the protocol has none. */
export function createPlcDriver(config: PlcConfig): PlcDriver {
  const entry = PLC_DRIVERS[config.protocol];
  if (!entry) throw new Error(`no driver for protocol ${config.protocol} in this build`);
  return entry.create(config);
}

/** Why `address` cannot be bound on this PLC, or null. */
export function plcAddressProblem(config: PlcConfig, address: string): string | null {
  return PLC_DRIVERS[config.protocol]?.checkAddress?.(config, address) ?? null;
}

export function plcBrowses(config: PlcConfig): boolean {
  return PLC_DRIVERS[config.protocol]?.browses === true;
}

import { parseModbusAddress } from './modbus-address.js';
import { createModbusDriver, modbusTag, PlcRequestError } from './modbus-driver.js';
import type { PlcDriver, PlcTag } from './plc-driver.js';

/**
 * PROFINET through a MOXA-style gateway (MGate 5103 and the like).
 *
 * The edge does not speak PROFINET itself (that takes a real-time stack and a GSDML-configured
 * IO device). The gateway is the PROFINET IO device on the PLC's side and a Modbus TCP server on
 * ours: in its web UI each PROFINET process-data slot is mapped onto Modbus coils/registers.
 * Our configuration mirrors that map (`gateway.registers`: process-data name → Modbus address),
 * bindings name the process data (`Q.Eject`, `I.StopRequest`, `Q.Gtin`), and this driver turns a
 * name into the mapped Modbus request. A plain Modbus address is accepted as well, for registers
 * the map does not name (diagnostics). browse() lists the map, which is what the gateway exposes.
 *
 * Typical MGate layout: PLC outputs (what the PLC writes, we read) in input registers, PLC inputs
 * (what we write, the PLC reads) in holding registers/coils; the names keep that detail out of
 * the bindings.
 */

export interface ProfinetGatewayOptions {
  host: string;
  port: number;
  unitId: number;
  timeoutMs: number;
  registers: Record<string, string>;
}

/** The Modbus address a process-data name (or a raw Modbus address) stands for, or why none. */
export function resolveGatewayAddress(registers: Record<string, string>, name: string): string | { error: string } {
  const mapped = Object.hasOwn(registers, name) ? registers[name]! : null;
  const address = mapped ?? name;
  const parsed = parseModbusAddress(address);
  if (typeof parsed !== 'string') return address;
  return { error: mapped ? `gateway map entry "${name}": ${parsed}` : `"${name}" is neither a process-data name of the gateway map nor a Modbus address` };
}

export function createProfinetGatewayDriver(options: ProfinetGatewayOptions): PlcDriver {
  const modbus = createModbusDriver({ transport: 'tcp', host: options.host, port: options.port, unitId: options.unitId, timeoutMs: options.timeoutMs });
  const resolve = (name: string): string => {
    const address = resolveGatewayAddress(options.registers, name);
    if (typeof address !== 'string') throw new PlcRequestError(address.error, 'BAD_ADDRESS');
    return address;
  };
  return {
    protocol: 'PROFINET',
    connect: () => modbus.connect(),
    read: async (name) => modbus.read(resolve(name)),
    write: async (name, value) => modbus.write(resolve(name), value),
    async browse(): Promise<PlcTag[]> {
      return Object.entries(options.registers).map(([name, address]) => ({ ...modbusTag(name, address), address: name }));
    },
    onDisconnect: (listener) => modbus.onDisconnect(listener),
    close: () => modbus.close(),
  };
}

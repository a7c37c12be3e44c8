import type { AnyActorLogic } from 'xstate';
import { ethernetIpScannerTransport, type EthernetIpScannerConfig } from '../../../adapters/scanners/ethernet-ip-scanner-transport.js';
import { mockScannerTransport } from '../../../adapters/scanners/mock-transport.js';
import { modbusScannerTransport, type ModbusScannerConfig } from '../../../adapters/scanners/modbus-scanner-transport.js';
import { SCANNER_MODEL_PROFILES } from '../../../adapters/scanners/scanner-models.js';
import { serialScannerTransport, type SerialScannerConfig } from '../../../adapters/scanners/serial-transport.js';
import { tcpScannerTransport, type TcpScannerConfig } from '../../../adapters/scanners/tcp-transport.js';
import { scannerMachine, type ScannerInput } from '../../../machines/edge/scanner.machine.js';
import type { ChildSpec } from '../../../machines/shared/supervisor.machine.js';
import type { ScannerConfig, ScannerTransport } from '../../../adapters/scanners/scanners-config.js';

/**
 * How a configured scanner becomes an actor under the root supervisor: one scanner machine per
 * transport kind (the machine is the same, the provided transport differs), and the child spec
 * carrying the transport's own configuration, the role and the model's health-check command.
 */

export const scannerSystemId = (id: string) => `scanner.${id}`;

/** Supervisor actor keys per transport (USB_HID is a USB-CDC serial device: the serial transport). */
const SRC: Record<ScannerTransport, string> = {
  TCP: 'tcpScanner',
  SERIAL: 'serialScanner',
  USB_HID: 'serialScanner',
  MODBUS: 'modbusScanner',
  ETHERNET_IP: 'ethernetIpScanner',
  MOCK: 'mockScanner',
};

export const SCANNER_ACTORS: Record<string, AnyActorLogic> = {
  tcpScanner: scannerMachine.provide({ actors: { transport: tcpScannerTransport } }),
  serialScanner: scannerMachine.provide({ actors: { transport: serialScannerTransport } }),
  modbusScanner: scannerMachine.provide({ actors: { transport: modbusScannerTransport } }),
  ethernetIpScanner: scannerMachine.provide({ actors: { transport: ethernetIpScannerTransport } }),
  mockScanner: scannerMachine.provide({ actors: { transport: mockScannerTransport } }),
};

/** Whether the transport carries commands and their answers (trigger, health check). */
export function scannerTalksBack(transport: ScannerTransport): boolean {
  return transport === 'TCP' || transport === 'SERIAL' || transport === 'USB_HID';
}

/** The transport actor's input for a configured scanner (null for the mock). */
export function scannerTransportInput(scanner: ScannerConfig): TcpScannerConfig | SerialScannerConfig | ModbusScannerConfig | EthernetIpScannerConfig | null {
  const trigger = scanner.trigger !== undefined ? { trigger: scanner.trigger } : {};
  switch (scanner.transport) {
    case 'TCP':
      return {
        mode: scanner.mode,
        host: scanner.host,
        port: scanner.port ?? 0,
        framing: scanner.framing,
        ...trigger,
        ...(scanner.mode === 'listen'
          ? {
              ...(scanner.allowFrom !== undefined ? { allowFrom: scanner.allowFrom } : {}),
              ...(scanner.replacePeer !== undefined ? { replacePeer: scanner.replacePeer } : {}),
              ...(scanner.peerIdleMs !== undefined ? { peerIdleMs: scanner.peerIdleMs } : {}),
            }
          : {}),
      };
    case 'SERIAL':
    case 'USB_HID':
      return { ...scanner.serial!, framing: scanner.framing, ...trigger };
    case 'MODBUS':
      return { ...scanner.modbus!, framing: scanner.framing };
    case 'ETHERNET_IP':
      return { ...scanner.ethernetIp!, framing: scanner.framing };
    case 'MOCK':
      return null;
  }
}

export function scannerChildSpec(scanner: ScannerConfig, lineSystemId: string): ChildSpec {
  const healthCheck = scannerTalksBack(scanner.transport) ? (SCANNER_MODEL_PROFILES[scanner.model].healthCheck ?? null) : null;
  const input: ScannerInput = {
    scannerId: scanner.id,
    transport: scannerTransportInput(scanner),
    backoff: scanner.backoff,
    reply: scanner.reply,
    lineSystemId,
    role: scanner.role,
    healthCheck,
  };
  return { id: scannerSystemId(scanner.id), src: SRC[scanner.transport], systemId: scannerSystemId(scanner.id), input };
}

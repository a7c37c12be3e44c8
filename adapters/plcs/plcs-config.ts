import { z } from 'zod';
import { LINE_SIGNALS } from './plc-driver.js';

/**
 * PLC configuration (issue 6): the PLCs the cabinet talks to, and which PLC tag stands for which
 * line signal. One flat object per PLC with the connection fields of its protocol; a refinement
 * checks that the fields the protocol needs are there (so a YAML typo stops start-up with the key
 * named instead of a PLC that never connects).
 */

export const PLC_PROTOCOLS = ['MODBUS_TCP', 'MODBUS_RTU', 'OPC_UA', 'PROFINET', 'ETHERNET_IP', 'TCP_SOCKET'] as const;
export type PlcProtocol = (typeof PLC_PROTOCOLS)[number];

const plcId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1-64)');
const port = z.number().int().min(1).max(65535);

/** Default TCP port per protocol when `port` is left out. */
export const DEFAULT_PORTS: Partial<Record<PlcProtocol, number>> = { MODBUS_TCP: 502, PROFINET: 502, ETHERNET_IP: 44818 };

export const plcSchema = z
  .object({
    id: plcId,
    protocol: z.enum(PLC_PROTOCOLS),
    /** MODBUS_TCP, PROFINET (the gateway's address), ETHERNET_IP, TCP_SOCKET. */
    host: z.string().min(1).max(253).optional(),
    port: port.optional(),
    /** Modbus unit (slave) id; a wrong one makes every request time out (no Modbus error comes back). */
    unitId: z.number().int().min(0).max(255).default(1),
    /** MODBUS_RTU: the serial line. */
    serial: z
      .object({
        path: z.string().min(1),
        baudRate: z.number().int().min(300).max(921_600).default(9600),
        parity: z.enum(['none', 'even', 'odd']).default('none'),
        dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
        stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
      })
      .strict()
      .optional(),
    /** OPC_UA: e.g. opc.tcp://plc:4840. */
    endpointUrl: z.string().regex(/^opc\.tcp:\/\/\S+$/, 'an opc.tcp:// URL').optional(),
    /** ETHERNET_IP: the controller's slot in the chassis. */
    slot: z.number().int().min(0).max(31).optional(),
    /**
     * PROFINET through a MOXA-style gateway: the gateway maps the PROFINET process data onto
     * Modbus registers; `registers` names that map (process-data name → Modbus address such as
     * `coil:0`, `hr:10`, `hr:20/str10`). Bindings then use the names.
     */
    gateway: z
      .object({
        registers: z.record(z.string().regex(/^[A-Za-z0-9_.\-[\]]{1,64}$/, 'a process-data name'), z.string().min(1).max(64)),
      })
      .strict()
      .optional(),
    /** Per request; a peer slower than this is a failed request (and repeated ones a lost link). */
    timeoutMs: z.number().int().min(10).max(60_000).default(1000),
    /** How often bound inputs with listeners (stopLineRequest, …) are read. */
    pollIntervalMs: z.number().int().min(10).max(60_000).default(100),
    backoff: z.object({ baseMs: z.number().int().min(10).default(250), maxMs: z.number().int().min(10).default(10_000) }).strict().prefault({}),
    /** What the line does while this PLC is unreachable: pause it, or reject every unit. */
    safeState: z.enum(['stop', 'reject_all']).default('stop'),
  })
  .strict()
  .superRefine((plc, ctx) => {
    const need = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
    switch (plc.protocol) {
      case 'MODBUS_TCP':
      case 'PROFINET':
      case 'ETHERNET_IP':
        if (!plc.host) need('host', `a ${plc.protocol} PLC needs a host`);
        break;
      case 'TCP_SOCKET':
        if (!plc.host) need('host', 'a TCP_SOCKET PLC needs a host');
        if (plc.port === undefined) need('port', 'a TCP_SOCKET PLC needs a port');
        break;
      case 'MODBUS_RTU':
        if (!plc.serial) need('serial', 'a MODBUS_RTU PLC needs serial.path');
        break;
      case 'OPC_UA':
        if (!plc.endpointUrl) need('endpointUrl', 'an OPC_UA PLC needs an endpointUrl');
        break;
    }
    if (plc.protocol === 'PROFINET' && (!plc.gateway || Object.keys(plc.gateway.registers).length === 0)) {
      need('gateway', 'a PROFINET PLC needs the gateway register map (gateway.registers)');
    }
  });

export const plcsConfigSchema = z
  .array(plcSchema)
  .max(32)
  .default([])
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'PLC ids must be unique');

/**
 * What a bound tag holds: `coil` a boolean (Modbus coil / discrete input, OPC UA Boolean),
 * `register` a number, `string` text. Values written to a binding are coerced to its kind.
 */
export const BINDING_KINDS = ['coil', 'register', 'string'] as const;
export type BindingKind = (typeof BINDING_KINDS)[number];

export const plcBindingSchema = z
  .object({
    plcId,
    address: z.string().min(1).max(256),
    kind: z.enum(BINDING_KINDS).default('coil'),
    /** Default pulse length for pulse(signal) (e.g. the eject output). */
    pulseMs: z.number().int().min(1).max(60_000).optional(),
  })
  .strict();

export const plcBindingsConfigSchema = z.partialRecord(z.enum(LINE_SIGNALS), plcBindingSchema).default({});

export type PlcConfig = z.infer<typeof plcSchema>;
export type PlcBinding = z.infer<typeof plcBindingSchema>;
export type PlcBindings = z.infer<typeof plcBindingsConfigSchema>;

import type { FramingConfig } from './framing.js';

/**
 * Scanner models as data: what a model changes is only its defaults (framing, port) and the few
 * commands the edge may send it. Everything here is a default — the installer's configuration
 * (framing, trigger) wins, because every one of these readers lets the installer change prefix,
 * suffix, no-read string and trigger strings.
 */

export const SCANNER_MODELS = ['COGNEX_DATAMAN', 'HIKROBOT_ID', 'DATALOGIC_MATRIX', 'DATALOGIC_HANDHELD', 'GENERIC'] as const;
export type ScannerModel = (typeof SCANNER_MODELS)[number];

export interface ScannerModelProfile {
  label: string;
  /** Merged under the configured framing. */
  framing: Partial<FramingConfig>;
  /** TCP port the reader listens on out of the box (connect mode), when there is a well-known one. */
  defaultPort?: number;
  /** Written to ask for one read (a software trigger). */
  trigger?: string;
  /**
   * Written by the health check (POST /scanners/{index}/test) once connected; the reader's
   * answer is reported as its device name.
   */
  healthCheck?: string;
  notes: string;
}

export const SCANNER_MODEL_PROFILES: Record<ScannerModel, ScannerModelProfile> = {
  COGNEX_DATAMAN: {
    label: 'Cognex DataMan (DMCC)',
    // DMCC over telnet (TCP 23). Results end in CRLF; the no-read string defaults to "NoRead"
    // (matched case-insensitively with "No Read"/"ERROR" by DEFAULT_NO_READ).
    framing: { suffix: 'CRLF' },
    defaultPort: 23,
    trigger: '||>TRIGGER ON\r\n',
    healthCheck: '||>GET DEVICE.NAME\r\n',
    notes:
      'DataMan Control Commands. Keep COM.DMCC-RESPONSE silent (the default): the answer to GET DEVICE.NAME is then a bare line; extended answers (||[status]…) are recognised as well. Push mode: set the reader to connect to the edge (mode listen).',
  },
  HIKROBOT_ID: {
    label: 'Hikrobot ID series',
    framing: { suffix: 'CRLF' },
    notes: 'TCP client or server as configured in the reader (MVS/IDMVS); prefix, suffix and no-read string are reader settings.',
  },
  DATALOGIC_MATRIX: {
    label: 'Datalogic Matrix (fixed mount)',
    framing: { suffix: 'CRLF' },
    notes: 'Data format (header/terminator, e.g. STX…ETX) is set in DL.CODE; configure framing to match.',
  },
  DATALOGIC_HANDHELD: {
    label: 'Datalogic handheld (Gryphon, PowerScan…)',
    // Handhelds in USB-COM (USB-CDC) mode end each read with CR by factory default; CRLF is the tolerant choice.
    framing: { suffix: 'CRLF' },
    notes: 'Use USB-COM (USB-CDC) interface mode: the reader then appears as a serial port (transport USB_HID or SERIAL).',
  },
  GENERIC: {
    label: 'Generic reader',
    framing: {},
    notes: 'Framing and trigger entirely from the configuration.',
  },
};

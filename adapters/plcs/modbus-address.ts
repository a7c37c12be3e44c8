import type { PlcValue } from './plc-driver.js';

/**
 * Modbus addresses as bindings write them, parsed into what a request needs.
 *
 *   coil:N       a coil (read/write, boolean)                    FC1 / FC5
 *   di:N         a discrete input (read-only, boolean)           FC2
 *   hr:N         a holding register (read/write, unsigned 16)    FC3 / FC6
 *   ir:N         an input register (read-only, unsigned 16)      FC4
 *   …/u16 /i16   one register, unsigned or signed
 *   …/u32 /i32   two registers, high word first (big-endian words, as most PLCs lay out DINTs)
 *   …/f32        two registers, IEEE 754 float, high word first
 *   …/str<len>   <len> ASCII characters, two per register, high byte first, NUL-padded
 *
 * N is the 0-based protocol address (what goes on the wire), not the 1-based "40001" numbering.
 */

export type ModbusTable = 'coil' | 'di' | 'hr' | 'ir';
export type ModbusFormat = { type: 'u16' | 'i16' | 'u32' | 'i32' | 'f32' } | { type: 'str'; length: number };

export interface ModbusAddress {
  table: ModbusTable;
  offset: number;
  format: ModbusFormat | null;
  /** Registers (or bits) one value spans. */
  count: number;
  writable: boolean;
}

const PATTERN = /^(coil|di|hr|ir):(\d{1,5})(?:\/(u16|i16|u32|i32|f32|str(\d{1,3})))?$/;

/** The parsed address, or a message saying what is wrong with it. */
export function parseModbusAddress(address: string): ModbusAddress | string {
  const match = PATTERN.exec(address.trim());
  if (!match) return `"${address}" is not a Modbus address (coil:N, di:N, hr:N, ir:N, optionally /u16 /i16 /u32 /i32 /f32 /str<len>)`;
  const table = match[1] as ModbusTable;
  const offset = Number(match[2]);
  if (offset > 65_535) return `"${address}": address ${offset} is beyond 65535`;
  const bits = table === 'coil' || table === 'di';
  if (bits && match[3]) return `"${address}": a ${table} holds one bit; formats apply to registers`;
  let format: ModbusFormat | null = null;
  if (match[3]) {
    if (match[4] !== undefined) {
      const length = Number(match[4]);
      if (length < 1 || length > 240) return `"${address}": a string is 1-240 characters`;
      format = { type: 'str', length };
    } else format = { type: match[3] as 'u16' | 'i16' | 'u32' | 'i32' | 'f32' };
  }
  const count = !format ? 1 : format.type === 'str' ? Math.ceil(format.length / 2) : format.type === 'u32' || format.type === 'i32' || format.type === 'f32' ? 2 : 1;
  if (offset + count - 1 > 65_535) return `"${address}": the value runs past register 65535`;
  return { table, offset, format, count, writable: table === 'coil' || table === 'hr' };
}

export function modbusDataType(address: ModbusAddress): 'bool' | 'int' | 'real' | 'string' {
  if (address.table === 'coil' || address.table === 'di') return 'bool';
  if (address.format?.type === 'str') return 'string';
  return address.format?.type === 'f32' ? 'real' : 'int';
}

/** Registers as read off the wire → the value they hold. */
export function decodeRegisters(address: ModbusAddress, words: number[]): PlcValue {
  const format = address.format ?? { type: 'u16' };
  const buffer = Buffer.alloc(words.length * 2);
  words.forEach((word, i) => buffer.writeUInt16BE(word & 0xffff, i * 2));
  switch (format.type) {
    case 'u16':
      return buffer.readUInt16BE(0);
    case 'i16':
      return buffer.readInt16BE(0);
    case 'u32':
      return buffer.readUInt32BE(0);
    case 'i32':
      return buffer.readInt32BE(0);
    case 'f32':
      return buffer.readFloatBE(0);
    case 'str':
      return buffer.subarray(0, format.length).toString('latin1').replace(/\0+$/, '');
  }
}

/** A value → the registers to write; throws on a value the format cannot hold. */
export function encodeRegisters(address: ModbusAddress, value: PlcValue): number[] {
  const format = address.format ?? { type: 'u16' };
  if (format.type === 'str') {
    const text = String(value);
    if (text.length > format.length) throw new RangeError(`"${text}" is longer than ${format.length} characters`);
    if (!/^[\x00-\xff]*$/.test(text)) throw new RangeError('only Latin-1 text fits in Modbus registers');
    const buffer = Buffer.alloc(address.count * 2);
    buffer.write(text, 'latin1');
    return Array.from({ length: address.count }, (_, i) => buffer.readUInt16BE(i * 2));
  }
  const number = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
  if (!Number.isFinite(number)) throw new RangeError(`${JSON.stringify(value)} is not a number`);
  const buffer = Buffer.alloc(4);
  const check = (min: number, max: number) => {
    if (!Number.isInteger(number) || number < min || number > max) throw new RangeError(`${number} does not fit ${format.type} (${min}..${max})`);
  };
  switch (format.type) {
    case 'u16':
      check(0, 0xffff);
      return [number];
    case 'i16':
      check(-0x8000, 0x7fff);
      return [number & 0xffff];
    case 'u32':
      check(0, 0xffff_ffff);
      buffer.writeUInt32BE(number);
      break;
    case 'i32':
      check(-0x8000_0000, 0x7fff_ffff);
      buffer.writeInt32BE(number);
      break;
    case 'f32':
      buffer.writeFloatBE(number);
      break;
  }
  return [buffer.readUInt16BE(0), buffer.readUInt16BE(2)];
}

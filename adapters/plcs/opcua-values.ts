/**
 * Between OPC UA Variants and the PLC actor's plain values (boolean | number | string).
 * A write must carry exactly the built-in type the server stores (a server answers
 * BadTypeMismatch to an Int32 sent to an Int16 node), so writes coerce to a known DataType
 * and refuse values that would not survive the conversion instead of truncating them.
 */
import { DataType, Variant, coerceInt64, coerceUInt64 } from 'node-opcua';
import type { PlcTag, PlcValue } from './plc-driver.js';

const INTEGER_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
  [DataType.Int64]: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  [DataType.UInt64]: [0, Number.MAX_SAFE_INTEGER],
};

/** The driver-neutral data type of a built-in OPC UA type (for PlcTag listings). */
export function plcDataTypeOf(dataType: DataType): PlcTag['dataType'] {
  if (dataType === DataType.Boolean) return 'bool';
  if (INTEGER_RANGES[dataType]) return 'int';
  if (dataType === DataType.Float || dataType === DataType.Double) return 'real';
  if (dataType === DataType.String || dataType === DataType.LocalizedText) return 'string';
  return 'unknown';
}

export function fromVariantValue(variant: Variant, address: string): PlcValue {
  const { dataType, value } = variant;
  if (Array.isArray(value) && dataType !== DataType.Int64 && dataType !== DataType.UInt64) {
    throw new Error(`OPC UA read ${address}: arrays are not supported as line signals`);
  }
  switch (dataType) {
    case DataType.Boolean:
      return Boolean(value);
    case DataType.Int64:
    case DataType.UInt64:
      return int64ToNumber(value as [number, number], dataType === DataType.Int64, address);
    case DataType.Float:
    case DataType.Double:
      return Number(value);
    case DataType.String:
      return value === null ? '' : String(value);
    case DataType.LocalizedText:
      return String((value as { text?: string | null } | null)?.text ?? '');
    default:
      if (INTEGER_RANGES[dataType]) return Number(value);
      throw new Error(`OPC UA read ${address}: values of type ${DataType[dataType] ?? dataType} are not supported`);
  }
}

export function toVariant(dataType: DataType, value: PlcValue, address: string): Variant {
  const refuse = (why: string): never => {
    throw new Error(`OPC UA write ${address}: ${JSON.stringify(value)} ${why} (node type ${DataType[dataType] ?? dataType})`);
  };
  switch (dataType) {
    case DataType.Boolean:
      if (typeof value === 'boolean') return new Variant({ dataType, value });
      if (value === 0 || value === 1) return new Variant({ dataType, value: value === 1 });
      return refuse('is not a boolean');
    case DataType.Float:
    case DataType.Double:
      if (typeof value !== 'number' || !Number.isFinite(value)) return refuse('is not a finite number');
      return new Variant({ dataType, value });
    case DataType.String:
      if (typeof value !== 'string') return refuse('is not a string');
      return new Variant({ dataType, value });
    default: {
      const range = INTEGER_RANGES[dataType];
      if (!range) return refuse('cannot be written: unsupported type');
      if (typeof value === 'boolean') value = value ? 1 : 0; // coils wired to integer tags
      if (typeof value !== 'number' || !Number.isInteger(value)) return refuse('is not an integer');
      if (value < range[0] || value > range[1]) return refuse(`is outside ${range[0]}..${range[1]}`);
      if (dataType === DataType.Int64) return new Variant({ dataType, value: coerceInt64(value) });
      if (dataType === DataType.UInt64) return new Variant({ dataType, value: coerceUInt64(value) });
      return new Variant({ dataType, value });
    }
  }
}

/** node-opcua carries 64-bit integers as [high, low] 32-bit words. */
function int64ToNumber([high, low]: [number, number], signed: boolean, address: string): number {
  const negative = signed && high >= 0x80000000;
  const result = negative ? (high - 0x100000000) * 0x100000000 + low : high * 0x100000000 + low;
  if (!Number.isSafeInteger(result)) throw new Error(`OPC UA read ${address}: 64-bit value exceeds what a line signal can carry`);
  return result;
}

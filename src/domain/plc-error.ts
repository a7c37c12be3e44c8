/** Why a PLC request failed: thrown by the PLC service (src/edge/hardware/plc-service.ts), answered by the routes. */
export type PlcErrorCode = 'UNBOUND' | 'NOT_CONNECTED' | 'TIMEOUT' | 'BAD_VALUE' | 'BAD_ADDRESS' | 'DEVICE' | 'GARBAGE' | 'FAILED';

export class PlcError extends Error {
  override readonly name = 'PlcError';
  constructor(
    readonly code: PlcErrorCode | string,
    message: string,
  ) {
    super(message);
  }
}

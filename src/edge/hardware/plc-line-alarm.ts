/** What `line.alarm` looks like when a PLC link is lost. */
export interface PlcLineAlarm {
  type: 'line.alarm';
  code: 'PLC_DISCONNECTED';
  message: string;
  at: string;
  source: 'plc';
  plcId: string;
  safeState: 'stop' | 'reject_all';
}

/**
 * Logix tag addresses for EtherNet/IP bindings, checked without loading st-ethernet-ip:
 * `Eject` (controller scope), `Program:Main.Eject` (program scope), members and array elements
 * (`Line.Counters[3]`).
 */
export function parseTagAddress(address: string): { program: string | null; name: string } {
  const scoped = /^Program:([A-Za-z_]\w*)\.(.+)$/.exec(address);
  const name = scoped ? scoped[2]! : address;
  if (!/^[A-Za-z_]\w*(\[\d+\])?(\.[A-Za-z_\d]\w*(\[\d+\])?)*$/.test(name)) {
    throw new Error(`EtherNet/IP: "${address}" is not a Logix tag name (expected e.g. Eject or Program:Main.Eject)`);
  }
  return { program: scoped ? scoped[1]! : null, name };
}

/** A registered edge device as the factory keeps it. */
export interface DeviceRecord {
  id: string;
  name: string;
  lineId: string | null;
  connectionMode: string | null;
  description: string | null;
  /** The id (jti) of the device's one valid token; null when none was issued or it was revoked. */
  tokenId: string | null;
  /** ISO time of the last heartbeat or sync, null if never seen. */
  lastSeenAt: string | null;
  /** The last status the device reported (ReportedStatus), null if none yet. */
  reported: unknown;
  createdAt: string;
  updatedAt: string;
}

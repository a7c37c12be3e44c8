/**
 * The provisioning port: the cloud's device as the provisioning machine sees it (adapters/cloud checks the
 * wire with zod schemas that satisfy these types), and the record the provisioning actors persist.
 */
export interface CloudDevice {
  id: string;
  name: string;
  companyId: string;
  companyName: string;
  seqNumber: string;
  deviceMode: string;
  activated: boolean;
}

export interface ActivatedDevice {
  deviceId: string;
  /** `edge-<seqNumber>_<unix seconds of the first activation>`, e.g. edge-001_1704067200. */
  deviceIdentifier: string;
  companyId: string;
  companyName: string;
  deviceName: string;
  seqNumber: string;
  industry: string;
}

export type ProvisioningStatus = 'NOT_PROVISIONED' | 'SIGNING_IN' | 'SIGNED_IN' | 'ACTIVATING' | 'PROVISIONED';

/** What survives a restart. Mid-flight states are not saved: a restart resumes from the last stable one. */
export interface ProvisioningRecord {
  status: 'NOT_PROVISIONED' | 'SIGNED_IN' | 'PROVISIONED';
  email: string | null;
  userToken: string | null;
  deviceToken: string | null;
  device: ActivatedDevice | null;
  error: string | null;
}

/** What a verified device token says: which device, and which of its tokens (for revocation). */
export interface DevicePrincipal {
  deviceId: string;
  tokenId: string;
}

export interface DeviceTokenIssuer {
  issue(deviceId: string): { token: string; tokenId: string; expiresAt: string };
  /** Checks signature, expiry and kind; whether the token is still the device's current one is the caller's question. */
  verify(token: string): DevicePrincipal;
}

/** Where an edge sends what it stored: straight to OKTO Cloud, or to the site's factory server. */
export const CONNECTION_MODES = ['DIRECT_CLOUD', 'VIA_LOCAL_SERVER'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];

/** What the connection actor reads back at every start (its storage port). */
export interface ConnectionRestored {
  /** The mode saved last, or null when none was (the configured one applies). */
  mode: ConnectionMode | null;
  /** The device token of the saved provisioning record when it is PROVISIONED, else null. */
  deviceToken: string | null;
}

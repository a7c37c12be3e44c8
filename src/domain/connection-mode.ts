/** Where an edge sends what it stored: straight to OKTO Cloud, or to the site's factory server. */
export const CONNECTION_MODES = ['DIRECT_CLOUD', 'VIA_LOCAL_SERVER'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];

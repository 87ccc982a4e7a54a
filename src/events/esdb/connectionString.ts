/** The schemes the client's connection strings use. */
export const ESDB_SCHEMES = ['esdb://', 'esdb+discover://'] as const;

/** Kept apart from the client, so that telling a connection string needs no gRPC loaded. */
export const isEsdbConnectionString = (text: string): boolean =>
  ESDB_SCHEMES.some((scheme) => text.startsWith(scheme));

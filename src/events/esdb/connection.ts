import { EventStoreDBClient } from '@eventstore/db-client';
import { ValidationError } from '../errors';
import { isEsdbConnectionString } from './connectionString';

/**
 * A client for a connection string such as `esdb://localhost:2113?tls=false` (an insecure
 * development node) or `esdb://admin:changeit@db.example:2113?tlsCAFile=/certs/ca.crt` (TLS
 * with credentials). Nothing is sent until the first call; a malformed string is a
 * ValidationError naming what the parser expected.
 */
export const connectEventStoreDb = (connectionString: string): EventStoreDBClient => {
  try {
    if (!isEsdbConnectionString(connectionString))
      throw new Error('expected esdb:// or esdb+discover://');
    return EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    throw new ValidationError(
      [
        {
          path: '/connectionString',
          expected: 'an EventStoreDB connection string, e.g. esdb://localhost:2113?tls=false',
          received: JSON.stringify(connectionString),
          message: error instanceof Error ? error.message.split('\n')[0]! : String(error),
        },
      ],
      'invalid EventStoreDB connection string',
    );
  }
};

import { status, type ServiceError } from '@grpc/grpc-js';
import type { AppendReq, BatchAppendReq } from '@eventstore/db-client/generated/streams_pb';
import type { ProposedEvent } from './logStore';
import { serverError, uuidText } from './wire';

type Message = AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage;

/** The server's default largest append (all events of one call): 1 MiB. */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/**
 * Proposed messages checked as the server checks them: `type` and `content-type` are required,
 * and the whole append must fit in the maximum append size. Returns the error it would raise.
 */
export const toProposed = (
  messages: readonly Message[],
  maxAppendSize: number,
): ProposedEvent[] | ServiceError => {
  const proposed: ProposedEvent[] = [];
  let size = 0;
  for (const m of messages) {
    const type = m.getMetadataMap().get('type');
    const contentType = m.getMetadataMap().get('content-type');
    if (type === undefined || contentType === undefined) {
      const missing = type === undefined ? 'type' : 'content-type';
      return serverError(
        status.INVALID_ARGUMENT,
        `Required metadata property ${missing} is missing`,
        'missing-required-metadata-property',
        { 'required-metadata-properties': missing },
      );
    }
    const e = {
      id: uuidText(m.getId()),
      type,
      contentType,
      data: m.getData_asU8(),
      metadata: m.getCustomMetadata_asU8(),
    };
    size += e.data.length + e.metadata.length + Buffer.byteLength(type);
    if (size > maxAppendSize) {
      return serverError(
        status.INVALID_ARGUMENT,
        `Maximum Append Size of ${maxAppendSize} Exceeded.`,
        'maximum-append-size-exceeded',
        { 'maximum-append-size': String(maxAppendSize) },
      );
    }
    proposed.push(e);
  }
  return proposed;
};

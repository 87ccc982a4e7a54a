import * as E from 'fp-ts/Either';
import type { z } from 'zod';
import { FORBIDDEN_KEYS, jsonIssues } from './canonicalJson';
import { EVENT_TYPES, envelopeFor, isEventType, type DriftlessEvent } from './catalogue';
import { isValidWalkedEnvelope } from './compiledEnvelopes';
import { ValidationError, type ValidationIssue } from './errors';
import { formatPointer, parsePointer } from './jsonPointer';
import { Op } from './schemas/ops';

/**
 * Checks an untrusted value against the event catalogue. Returns the typed event, or a
 * ValidationError listing every issue with its path, what was expected and what was received.
 */
export const parseEvent = (raw: unknown): E.Either<ValidationError, DriftlessEvent> => {
  const issues = eventIssues(raw);
  return issues.length === 0
    ? E.right(raw as DriftlessEvent)
    : E.left(new ValidationError(issues, 'invalid event'));
};

/** Every issue with an untrusted event; empty when it is a valid DriftlessEvent. */
export const eventIssues = (raw: unknown, basePath = ''): ValidationIssue[] => {
  const notJson = jsonIssues(raw, basePath);
  return notJson.length > 0 ? notJson : envelopeIssues(raw, basePath);
};

/** The catalogue's issues with an event already known to be JSON. */
export const envelopeIssues = (raw: unknown, basePath = ''): ValidationIssue[] => {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return [
      {
        path: basePath,
        expected: 'an event object',
        received: summarize(raw),
        message: 'not an event',
      },
    ];
  }
  if (!isEventType(type)) {
    return [
      {
        path: `${basePath}/type`,
        expected: `one of ${EVENT_TYPES.join(', ')}`,
        received: summarize(type),
        message: 'unknown event type',
      },
    ];
  }
  // The compiled check answers for a valid event; only a rejected one pays for zod's issues.
  if (isValidWalkedEnvelope(type, raw)) return [];
  const result = envelopeFor(type).safeParse(raw);
  return result.success ? [] : result.error.issues.map((i) => toIssue(i, raw, basePath));
};

/** What makes a valid pointer no path for an op: the root itself, or a prototype key. */
export const opPathIssue = (
  segments: readonly string[],
): Omit<ValidationIssue, 'path'> | undefined => {
  const bad = segments.find((s) => FORBIDDEN_KEYS.has(s));
  if (bad !== undefined)
    return {
      expected: 'no prototype keys',
      received: JSON.stringify(bad),
      message: 'prototype keys are not allowed',
    };
  if (segments.length === 0)
    return {
      expected: 'a path below the root',
      received: '""',
      message: 'the whole document cannot be replaced',
    };
  return undefined;
};

/**
 * Every issue with one untrusted op (the JSON check first, then its shape, then its path): what
 * the SDK refuses when the op is given, rather than leave it to quarantine the branch later.
 */
export const opIssues = (raw: unknown): ValidationIssue[] => {
  const notJson = jsonIssues(raw);
  if (notJson.length > 0) return notJson;
  const result = Op.safeParse(raw);
  if (!result.success) return result.error.issues.map((i) => toIssue(i, raw, ''));
  const issue = opPathIssue(parsePointer(result.data.path) ?? []);
  return issue === undefined ? [] : [{ path: '/path', ...issue }];
};

const toIssue = (issue: z.core.$ZodIssue, raw: unknown, basePath: string): ValidationIssue => {
  const segments = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  return {
    path: basePath + formatPointer(segments),
    expected: expectedOf(issue),
    received:
      issue.code === 'unrecognized_keys'
        ? issue.keys.join(', ')
        : summarize(valueAt(raw, segments)),
    message: issue.message,
  };
};

const expectedOf = (issue: z.core.$ZodIssue): string => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_small':
      return `${issue.origin} of at least ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin} of at most ${String(issue.maximum)}`;
    case 'invalid_format':
      // zod's date-time pattern is a screenful of regex: an example says more.
      if (issue.format === 'datetime') return 'an ISO date-time, e.g. 2026-01-31T12:00:00Z';
      return issue.pattern === undefined
        ? issue.format
        : `${issue.format} matching ${issue.pattern}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return 'no other keys';
    case 'invalid_union':
      return 'one of the allowed shapes';
    default:
      return issue.message;
  }
};

const valueAt = (root: unknown, segments: readonly (string | number)[]): unknown => {
  let node = root;
  for (const s of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node;
};

/** A short, printable description of a received value. */
export const summarize = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string')
    return value.length > 60 ? `${JSON.stringify(value.slice(0, 57))}...` : JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return typeof value;
  }
};

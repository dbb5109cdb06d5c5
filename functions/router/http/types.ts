import type { Readable } from 'node:stream';

/** The router's view of an HTTP request, independent of API Gateway's event shape. */
export interface HttpRequest {
  method: string;
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  /** The raw body, decoded from base64 if API Gateway encoded it. */
  body: string | undefined;
  sourceIp?: string;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** A string for JSON answers, a Readable for streams. */
  body: string | Readable;
}

export const jsonResponse = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

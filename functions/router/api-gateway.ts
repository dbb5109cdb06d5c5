import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { newRequestState } from './http/request-state.ts';
import type { HttpRequest, HttpResponse } from './http/types.ts';
import type { RouterContext } from './middlewares/router-context.ts';

// The thin adapter between API Gateway's REST proxy event and the router's own request shape.
// Nothing under shared/ sees a Lambda event.

const lowerCaseHeaders = (event: APIGatewayProxyEvent): Record<string, string> => {
  const headers: Record<string, string> = {};
  if (event.multiValueHeaders) {
    for (const [name, values] of Object.entries(event.multiValueHeaders)) {
      if (values && values.length > 0) headers[name.toLowerCase()] = values.join(', ');
    }
  } else if (event.headers) {
    for (const [name, value] of Object.entries(event.headers)) if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
};

export const toHttpRequest = (event: APIGatewayProxyEvent): HttpRequest => {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) query[name] = value;
  return {
    method: event.httpMethod.toUpperCase(),
    path: event.path,
    headers: lowerCaseHeaders(event),
    query,
    body:
      event.body == null ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body,
    sourceIp: event.requestContext?.identity?.sourceIp,
  };
};

/** First middleware of the stack: builds the request state from the event. */
export const apiGatewayAdapter = (): MiddlewareObj<APIGatewayProxyEvent, HttpResponse, Error, RouterContext> => ({
  before: (request) => {
    const event = request.event;
    request.context.state = newRequestState(toHttpRequest(event), event.requestContext?.requestId ?? randomUUID());
  },
});

import { type HttpResponse, jsonResponse } from '../http/types.ts';

/** `GET /health`: liveness only (no dependencies checked, no auth), cheap enough for any probe. */
export const health = async (): Promise<HttpResponse> => jsonResponse(200, { status: 'ok' });

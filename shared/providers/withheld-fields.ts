// Request fields an OpenAI-compatible upstream is never sent, whatever the client asks.

/**
 * `metadata` is the router's own (some compatible servers reject it); `service_tier` changes what the
 * operator pays per token (`priority` costs more than the configured prices bill the tenant); `store`
 * would keep the tenant's conversations in the operator's provider account.
 */
export const WITHHELD_FIELDS = ['metadata', 'service_tier', 'store'] as const;

/** Removes the withheld fields from a body about to be sent upstream (the body is the caller's copy). */
export const withholdFields = (body: Record<string, unknown>): Record<string, unknown> => {
  for (const field of WITHHELD_FIELDS) delete body[field];
  return body;
};

import { buildUsageEvent } from '../build-usage-event.ts';
import { clientKey } from '../http/request-state.ts';
import type { RouterRuntime } from '../runtime.ts';
import type { RouterMiddleware } from './router-context.ts';

/**
 * One usage event per inference request, served or failed, published after the last byte went
 * to the client (streams included). Registered first thing, so requests refused later in the
 * stack (limits, permissions) are reported too. A publishing failure never touches the response.
 */
export const publishUsage = (runtime: Pick<RouterRuntime, 'events' | 'config' | 'priceVersion'>): RouterMiddleware => ({
  before: (request) => {
    const { events } = runtime;
    if (!events) return;
    const { state } = request.context;
    state.afterResponse.push(async () => {
      const key = clientKey(state);
      const tenant = key && Object.hasOwn(runtime.config.tenants, key.tenant) ? runtime.config.tenants[key.tenant] : undefined;
      const detail = buildUsageEvent(state, {
        tenantSubscription: tenant?.lagoSubscriptionId,
        priceVersion: runtime.priceVersion,
      });
      if (detail) await events.publish([detail]);
    });
  },
});

import { type Catalogue, REQUIRED_KEYS } from '../spec/catalogue.js';
import type { TenantStore } from '../world/tenant-store.js';
import type { BuiltInHandlers } from './api-routes.js';
import { sendAnswer, sendCatalogueError } from './envelope.js';

/** The operator-only calls of a shared sandbox (they exist only with --admin-token). */
export function operatorHandlers(store: TenantStore, catalogue: Catalogue): BuiltInHandlers {
  const tenantNotFound = catalogue.get(REQUIRED_KEYS.tenantNotFound);
  return {
    listTenants: async (_call, reply) => sendAnswer(reply, 200, { data: await store.tenants(), errors: [] }),
    forgetAllTenants: async (_call, reply) => {
      await store.forgetAll();
      return sendAnswer(reply, 200, { data: true, errors: [] });
    },
    forgetTenant: async (call, reply) => {
      const tenant = call.texts.tenantId ?? '';
      return (await store.forget(tenant))
        ? sendAnswer(reply, 200, { data: true, errors: [] })
        : sendCatalogueError(reply, tenantNotFound, `${tenantNotFound.message} Got ${JSON.stringify(tenant)}.`);
    },
  };
}

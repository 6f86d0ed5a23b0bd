import { type Catalogue, REQUIRED_KEYS } from '../../contract/catalogue.js';
import type { TenantDirectory } from '../../world/tenant-directory.js';
import type { BuiltInHandlers } from '../handle-call.js';
import { sendAnswer, sendCatalogueError } from '../envelope.js';

/** The operator-only calls of a shared sandbox (they exist only with --admin-token). */
export function operatorHandlers(tenants: TenantDirectory, catalogue: Catalogue): BuiltInHandlers {
  const tenantNotFound = catalogue.get(REQUIRED_KEYS.tenantNotFound);
  return {
    listTenants: async (_call, reply) => sendAnswer(reply, 200, { data: await tenants.tenants(), errors: [] }),
    forgetAllTenants: async (_call, reply) => {
      await tenants.forgetAll();
      return sendAnswer(reply, 200, { data: true, errors: [] });
    },
    forgetTenant: async (call, reply) => {
      const tenant = call.texts.tenantId ?? '';
      return (await tenants.forget(tenant))
        ? sendAnswer(reply, 200, { data: true, errors: [] })
        : sendCatalogueError(reply, tenantNotFound, `${tenantNotFound.message} Got ${JSON.stringify(tenant)}.`);
    },
  };
}

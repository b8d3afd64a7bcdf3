import type { ServiceDefinition } from '@gridwork/runtime';
import { accountsFeature } from './accounts/accounts.module.js';
import { apiDocsFeature } from './api-docs/api-docs.module.js';
import { apiKeysFeature } from './api-keys/api-keys.module.js';
import { adminFeature } from './admin/admin.module.js';
import { auditFeature } from './audit/audit.module.js';
import { authFeature } from './auth/auth.module.js';
import { consoleFeature } from './console/console.module.js';
import { dispatchFeature } from './dispatch/dispatch.module.js';
import { forwardingFeature } from './forwarding/forwarding.module.js';
import { GatewayHttpModule } from './http/gateway-http.module.js';
import { oidcFeature } from './oidc/oidc.module.js';
import { open311Feature } from './open311/open311.module.js';
import { rateLimitsFeature } from './rate-limits/rate-limits.module.js';
import { sessionsFeature } from './sessions/sessions.module.js';

/**
 * The gateway: the HTTP edge for people. It keeps accounts, sign-ins and the
 * audit record in its own database, and forwards to the services over NATS.
 */
export const gatewayService: ServiceDefinition = {
  service: 'gateway',
  defaultHttpPort: 3000,
  features: [{ module: GatewayHttpModule }, rateLimitsFeature, accountsFeature, sessionsFeature, oidcFeature, auditFeature, apiKeysFeature, authFeature, adminFeature, dispatchFeature, forwardingFeature, open311Feature, apiDocsFeature, consoleFeature],
};

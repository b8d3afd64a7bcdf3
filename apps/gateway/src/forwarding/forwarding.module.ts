import { Module } from '@nestjs/common';
import type { Feature } from '@gridwork/runtime';
import { ADMISSION_ROUTES } from '../admission/admission.routes.js';
import { AuditModule } from '../audit/audit.module.js';
import { DISPATCH_ROUTES } from '../dispatch/dispatch.routes.js';
import { GRID_ROUTES } from '../grid/grid.routes.js';
import { ORG_ROUTES } from '../org/org.routes.js';
import { TIMEBANK_ROUTES } from '../timebank/timebank.routes.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { forwardingController } from './forwarding.controller.js';
import { Forwarder } from './forwarder.service.js';

/** `/grid`, `/admission`, `/org`, `/timebank` and dispatch's other operations: forwarded route by route from the tables beside each service's folder. */
@Module({
  imports: [SessionsModule, AuditModule],
  providers: [Forwarder],
  controllers: [
    forwardingController('GridController', 'grid', GRID_ROUTES),
    forwardingController('AdmissionController', 'admission', ADMISSION_ROUTES),
    forwardingController('DispatchController', 'dispatch', DISPATCH_ROUTES),
    forwardingController('OrgController', 'org', ORG_ROUTES),
    forwardingController('TimebankController', 'timebank', TIMEBANK_ROUTES),
  ],
})
export class ForwardingModule {}

export const forwardingFeature: Feature = { module: ForwardingModule };

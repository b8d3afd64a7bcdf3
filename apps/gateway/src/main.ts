import { runService } from '@gridwork/runtime';
import { gatewayService } from './gateway.definition.js';

await runService(gatewayService);

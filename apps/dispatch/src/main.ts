import { runService } from '@gridwork/runtime';
import { dispatchService } from './dispatch.definition.js';

await runService(dispatchService);

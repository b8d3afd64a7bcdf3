import { runService } from '@gridwork/runtime';
import { orgService } from './org.definition.js';

await runService(orgService);

import { runService } from '@gridwork/runtime';
import { admissionService } from './admission.definition.js';

await runService(admissionService);

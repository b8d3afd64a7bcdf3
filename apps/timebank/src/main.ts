import { runService } from '@gridwork/runtime';
import { timebankService } from './timebank.definition.js';

await runService(timebankService);

import { runService } from '@gridwork/runtime';
import { gridService } from './grid.definition.js';

await runService(gridService);

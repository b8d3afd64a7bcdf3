export { GridAreasReadModel, type KnownArea } from './grid-areas.read-model.js';
export { GridAreasModule } from './grid-areas.module.js';
export { createKnownAreaTable } from './known-area.table.js';

export * from './decide.js';
export * from './candidates.js';

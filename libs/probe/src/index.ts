export * from './probe-contract.js';

export * from './enums.js';
export * from './regions.js';
export * from './hub-exception.js';

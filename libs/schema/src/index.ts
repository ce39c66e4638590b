export * from './enums.js';
export * from './regions.js';
export * from './hub-exception.js';
export * from './ip-prefix.js';

// Public surface of functions/shared: one `export *` per module.
export * from './contract';
export * from './types';
export * from './errors';
export * from './decimal';
export * from './timestamps';
export * from './session';
export * from './ids';
export * from './fields';
export * from './enrichment';
export * from './validation';
export * from './csv-reader';
export * from './json-reader';
export * from './data-path';

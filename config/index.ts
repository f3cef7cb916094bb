export * from './types';
export * from './errors';
export * from './defaults';
export * from './load';
export * from './naming';

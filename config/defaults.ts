import type { FunctionName } from '../contract';
import type { FunctionSettings } from './types';

/** Default sizing per function: long file work gets 5 minutes, request paths stay short. */
export const DEFAULT_FUNCTION_SETTINGS: Readonly<Record<FunctionName, FunctionSettings>> = {
  'file-trigger': { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 10 },
  'validate-file': { memoryMb: 1024, timeoutSeconds: 300, reservedConcurrency: 10 },
  'store-chunk': { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 20 },
  'archive-file': { memoryMb: 256, timeoutSeconds: 300, reservedConcurrency: 5 },
  'compensate-file': { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 5 },
  'notify-file': { memoryMb: 128, timeoutSeconds: 30, reservedConcurrency: 5 },
  'api-ingest': { memoryMb: 512, timeoutSeconds: 29, reservedConcurrency: 20 },
  processor: { memoryMb: 512, timeoutSeconds: 60, reservedConcurrency: 20 },
  bars: { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 10 },
  summary: { memoryMb: 256, timeoutSeconds: 120, reservedConcurrency: 2 },
};

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const ENVIRONMENTS = ['dev', 'prod'] as const;
export const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * What a construct needs to know about a deployed function, without importing the construct
 * that builds it (keeps modules independent and testable with a fake).
 */
export interface FunctionHandle {
  /** Logical name, one of FUNCTION_NAMES (e.g. `validate-file`). */
  readonly name: string;
  /** Deployed Lambda function name. */
  readonly functionName: string;
  /** Function ARN (Terraform token). */
  readonly arn: string;
  /** API Gateway integration URI (Terraform token). */
  readonly invokeArn: string;
  /** Name of the function's own role. */
  readonly roleName: string;
  /** Timeout in seconds (task timeouts, queue visibility and integration timeouts derive from it). */
  readonly timeoutSeconds: number;
  /** Reserved concurrency (0 disables the function; -1 means unreserved). */
  readonly reservedConcurrency: number;
  /** Grants the function's role `actions` on `resources` (no wildcards in actions). */
  allow(sid: string, actions: string[], resources: string[]): void;
  /** Sets an environment variable on the function. */
  setEnvironment(name: string, value: string): void;
}

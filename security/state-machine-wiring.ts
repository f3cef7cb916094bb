/**
 * What a state machine's definition makes Step Functions do with its role, read from the
 * definition itself (the synthesized JSON), per the Step Functions developer guide: invoking the
 * Lambda tasks, and for a Distributed Map starting and managing its child executions, reading
 * its ItemReader object and writing its ResultWriter results. Together with tracing, log delivery
 * and its key, this is everything the role may allow.
 */

/** Loose shape of a state, as far as the role is concerned. */
interface StateLike {
  readonly Type?: string;
  readonly Resource?: string;
  readonly Branches?: readonly GraphLike[];
  readonly ItemProcessor?: GraphLike & { readonly ProcessorConfig?: { readonly Mode?: string } };
  readonly Iterator?: GraphLike;
  readonly ItemReader?: { readonly Resource?: string };
  readonly ResultWriter?: { readonly Resource?: string };
}
interface GraphLike {
  readonly States?: Readonly<Record<string, StateLike>>;
}

/**
 * The IAM actions the definition needs, each with why.
 * @throws Error for a task or reader resource whose needs are not reviewed here.
 */
export function definitionActions(definition: GraphLike): Map<string, string> {
  const need = new Map<string, string>();
  const add = (actions: string[], why: string): void => actions.forEach((a) => need.set(a, why));
  const visit = (graph: GraphLike | undefined): void => {
    for (const [name, state] of Object.entries(graph?.States ?? {})) {
      if (state.Type === 'Task' && state.Resource) {
        if (!/^(arn:[^:]+:lambda:|\$\{aws_lambda_function\.)/.test(state.Resource))
          throw new Error(`${name}: task resource ${state.Resource} has no reviewed IAM mapping`);
        add(['lambda:InvokeFunction'], `${name} invokes its function`);
      }
      if (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
        add(
          ['states:StartExecution', 'states:DescribeExecution', 'states:StopExecution'],
          `${name} runs each item as a child execution of this state machine`,
        );
      }
      const reader = state.ItemReader?.Resource;
      if (reader) {
        if (reader.endsWith(':states:::s3:getObject')) add(['s3:GetObject'], `${name} reads its items from S3`);
        else if (reader.endsWith(':states:::s3:listObjectsV2')) add(['s3:ListBucket'], `${name} lists its items`);
        else throw new Error(`${name}: ItemReader ${reader} has no reviewed IAM mapping`);
      }
      if (state.ResultWriter?.Resource) {
        add(
          ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
          `${name} writes its results to S3 (multipart)`,
        );
      }
      for (const branch of state.Branches ?? []) visit(branch);
      visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(definition);
  return need;
}

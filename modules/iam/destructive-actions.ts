/**
 * The explicit Deny of destructive actions on the table and the buckets. Every role in a
 * regional stack carries it (functions in their own policy, other roles through
 * {@link DestructiveActionGuard}), so a bug or a stolen credential cannot delete data stores,
 * history or open a bucket, whatever else the role is allowed.
 */
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { PolicyDocument, type PolicyStatement } from './policy-document';

/** Table actions no pipeline role may perform. */
export const DENIED_TABLE_ACTIONS = [
  'dynamodb:DeleteTable',
  'dynamodb:DeleteBackup',
  'dynamodb:UpdateTable',
  'dynamodb:RestoreTableFromBackup',
];

/** Bucket actions no pipeline role may perform (deleting, re-configuring, erasing versions). */
export const DENIED_BUCKET_ACTIONS = [
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
  's3:PutBucketPolicy',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutBucketPublicAccessBlock',
  's3:DeleteObjectVersion',
];

/** What is protected. */
export interface ProtectedResources {
  readonly tableArns: string[];
  readonly bucketArns: string[];
}

/** The Deny statements for `resources` (none for an empty list). */
export function destructiveActionDenials(resources: ProtectedResources): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (resources.tableArns.length > 0) {
    statements.push({
      Sid: 'DenyDestructiveTableActions',
      Effect: 'Deny',
      Action: DENIED_TABLE_ACTIONS,
      Resource: resources.tableArns.flatMap((t) => [t, `${t}/*`]),
    });
  }
  if (resources.bucketArns.length > 0) {
    statements.push({
      Sid: 'DenyDestructiveBucketActions',
      Effect: 'Deny',
      Action: DENIED_BUCKET_ACTIONS,
      Resource: resources.bucketArns.flatMap((b) => [b, `${b}/*`]),
    });
  }
  return statements;
}

/** Props of {@link DestructiveActionGuard}. */
export interface DestructiveActionGuardProps extends ProtectedResources {
  /** Name (or id) of the role to guard. */
  readonly roleName: string;
}

/** An inline policy holding only the Deny statements, for a role built by another construct. */
export class DestructiveActionGuard extends Construct {
  constructor(scope: Construct, id: string, props: DestructiveActionGuardProps) {
    super(scope, id);
    const statements = destructiveActionDenials(props);
    if (statements.length === 0)
      throw new Error('DestructiveActionGuard needs at least one table or bucket to protect');
    const policy = new PolicyDocument(`deny-destructive-actions ${id}`);
    for (const statement of statements) policy.add(statement);
    new IamRolePolicy(this, 'Policy', {
      name: 'deny-destructive-actions',
      role: props.roleName,
      policy: policy.toJson(),
    });
  }
}

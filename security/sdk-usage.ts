/**
 * What each handler's code can call on AWS, found by reading the code: starting from the
 * exported `handler` of `functions/<name>/index.ts`, follow every function, class and constant
 * it reaches (across `functions/lib`, through the TypeScript type checker, so only what is
 * actually reachable counts, not every export of a shared module) and collect each AWS SDK v3
 * `*Command` constructed (and `paginate*` helper used) on the way. Those commands map to IAM
 * actions through {@link iamActionsOf}.
 */
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from './checkov';

/** One SDK command construction reachable from a handler. */
export interface SdkCall {
  /** npm package, `@aws-sdk/client-s3`. */
  readonly client: string;
  /** `GetObjectCommand`. */
  readonly command: string;
  /** Property names of the input object literal, when it is one (`Bucket`, `Key`, `VersionId`). */
  readonly inputKeys: readonly string[];
  /** `functions/lib/store/s3-objects.ts:38`. */
  readonly site: string;
}

/** Raised when an SDK command has no reviewed IAM mapping yet. */
export class UnmappedCommandError extends Error {
  constructor(readonly call: SdkCall) {
    super(
      `No IAM mapping for ${call.client} ${call.command} (used at ${call.site}): ` +
        'add it to COMMAND_ACTIONS in security/sdk-usage.ts',
    );
    this.name = 'UnmappedCommandError';
  }
}

/**
 * SDK calls reachable from the `handler` export of each named function, in one TypeScript
 * program (about two seconds for the whole `functions/` tree).
 */
export function sdkCallsByFunction(names: readonly string[], root = PROJECT_ROOT): Map<string, SdkCall[]> {
  const functionsDir = join(root, 'functions');
  const entries = names.map((n) => join(functionsDir, n, 'index.ts'));
  const program = ts.createProgram(entries, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, SdkCall[]>();
  names.forEach((name, i) => {
    const source = program.getSourceFile(entries[i]);
    if (!source) throw new Error(`functions/${name}/index.ts not found`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    const handler = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'handler');
    if (!handler) throw new Error(`functions/${name}/index.ts exports no handler`);
    result.set(name, reachableCalls(checker, resolveAlias(checker, handler).declarations ?? [], functionsDir, root));
  });
  return result;
}

function resolveAlias(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function reachableCalls(
  checker: ts.TypeChecker,
  start: readonly ts.Declaration[],
  functionsDir: string,
  root: string,
): SdkCall[] {
  const visited = new Set<ts.Node>();
  const queue: ts.Node[] = [...start];
  const calls = new Map<string, SdkCall>();
  const inFunctions = (file: string): boolean => file.startsWith(functionsDir + sep) && !file.endsWith('.d.ts');

  const onIdentifier = (id: ts.Identifier): void => {
    const symbol = checker.getSymbolAtLocation(id);
    if (!symbol) return;
    const target = resolveAlias(checker, symbol);
    for (const decl of target.declarations ?? []) {
      const file = decl.getSourceFile().fileName;
      const sdk = /node_modules[\\/](@aws-sdk[\\/]client-[a-z0-9-]+)[\\/]/.exec(file);
      if (sdk) {
        const client = sdk[1].replace('\\', '/');
        const command = target.name.endsWith('Command')
          ? target.name
          : /^paginate[A-Z]/.test(target.name)
            ? `${target.name.slice('paginate'.length)}Command`
            : undefined;
        if (command && command !== 'Command') {
          const inputKeys = inputKeysOf(id);
          const pos = id.getSourceFile().getLineAndCharacterOfPosition(id.getStart());
          const site = `${relative(root, id.getSourceFile().fileName)}:${pos.line + 1}`;
          calls.set(`${client} ${command} ${site}`, { client, command, inputKeys, site });
        }
      } else if (inFunctions(file) && !visited.has(decl)) {
        queue.push(decl);
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) onIdentifier(node);
    ts.forEachChild(node, visit);
  };
  while (queue.length > 0) {
    const decl = queue.pop()!;
    if (visited.has(decl)) continue;
    visited.add(decl);
    // Imports are followed through the identifiers that use them, not as declarations.
    if (ts.isImportSpecifier(decl) || ts.isImportClause(decl) || ts.isNamespaceImport(decl)) continue;
    visit(decl);
  }
  return [...calls.values()].sort((a, b) => a.command.localeCompare(b.command) || a.site.localeCompare(b.site));
}

/** Keys of the object literal passed to `new XCommand({...})`, if that is how `id` is used. */
function inputKeysOf(id: ts.Identifier): string[] {
  const parent = id.parent;
  if (!parent || !ts.isNewExpression(parent) || parent.expression !== id) return [];
  const arg = parent.arguments?.[0];
  if (!arg || !ts.isObjectLiteralExpression(arg)) return [];
  return arg.properties.flatMap((p) =>
    p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [],
  );
}

/** IAM service prefix of each SDK client package. */
const SERVICE_PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-dynamodb-streams': 'dynamodb',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sqs': 'sqs',
};

/**
 * Commands whose IAM actions differ from `<prefix>:<CommandName minus "Command">`, from the
 * Service Authorization Reference. `versioned` is added when the input names a `VersionId`.
 */
const COMMAND_ACTIONS: Readonly<Record<string, { actions: string[]; versioned?: string[] }>> = {
  's3 GetObjectCommand': { actions: ['s3:GetObject'], versioned: ['s3:GetObjectVersion'] },
  // HEAD needs READ on the object: the same actions as GET.
  's3 HeadObjectCommand': { actions: ['s3:GetObject'], versioned: ['s3:GetObjectVersion'] },
  's3 PutObjectCommand': { actions: ['s3:PutObject'] },
  // A copy reads the source version and, with the default TaggingDirective COPY, its tags, and
  // writes object and tags at the target. The pipeline always copies a given version.
  's3 CopyObjectCommand': {
    actions: [
      's3:GetObject',
      's3:GetObjectVersion',
      's3:GetObjectTagging',
      's3:GetObjectVersionTagging',
      's3:PutObject',
      's3:PutObjectTagging',
    ],
  },
  's3 DeleteObjectCommand': { actions: ['s3:DeleteObject'], versioned: ['s3:DeleteObjectVersion'] },
  's3 DeleteObjectsCommand': { actions: ['s3:DeleteObject'] },
  's3 ListObjectsV2Command': { actions: ['s3:ListBucket'] },
  's3 HeadBucketCommand': { actions: ['s3:ListBucket'] },
  's3 CreateMultipartUploadCommand': { actions: ['s3:PutObject'] },
  's3 UploadPartCommand': { actions: ['s3:PutObject'] },
  // A part copied from an existing object: reads the source, writes the target (no versionId in
  // the pipeline's CopySource).
  's3 UploadPartCopyCommand': { actions: ['s3:GetObject', 's3:PutObject'] },
  's3 CompleteMultipartUploadCommand': { actions: ['s3:PutObject'] },
  's3 AbortMultipartUploadCommand': { actions: ['s3:AbortMultipartUpload'] },
  'sqs SendMessageBatchCommand': { actions: ['sqs:SendMessage'] },
  'sqs DeleteMessageBatchCommand': { actions: ['sqs:DeleteMessage'] },
  'sqs ChangeMessageVisibilityBatchCommand': { actions: ['sqs:ChangeMessageVisibility'] },
  'sns PublishBatchCommand': { actions: ['sns:Publish'] },
};

/** Commands needing per-item analysis (a transaction's actions depend on its items): refused. */
const UNMAPPABLE = new Set([
  'dynamodb TransactWriteItemsCommand',
  'dynamodb TransactGetItemsCommand',
  'dynamodb ExecuteStatementCommand',
  'dynamodb BatchExecuteStatementCommand',
]);

/**
 * IAM actions one SDK call needs.
 * @throws UnmappedCommandError for a client without a service prefix or a command that needs review.
 */
export function iamActionsOf(call: SdkCall): string[] {
  const prefix = SERVICE_PREFIX[call.client];
  const key = `${prefix} ${call.command}`;
  if (!prefix || UNMAPPABLE.has(key)) throw new UnmappedCommandError(call);
  if (key === 's3 CopyObjectCommand' && call.inputKeys.includes('TaggingDirective')) {
    // REPLACE: the source's tags are not read; the target gets tags only when `Tagging` is given.
    return [
      's3:GetObject',
      's3:GetObjectVersion',
      's3:PutObject',
      ...(call.inputKeys.includes('Tagging') ? ['s3:PutObjectTagging'] : []),
    ];
  }
  const mapped = COMMAND_ACTIONS[key];
  if (mapped)
    return [...mapped.actions, ...(mapped.versioned && call.inputKeys.includes('VersionId') ? mapped.versioned : [])];
  return [`${prefix}:${call.command.replace(/Command$/, '')}`];
}

/** The sorted, de-duplicated IAM actions of `calls`. */
export function iamActionsOfCalls(calls: readonly SdkCall[]): string[] {
  return [...new Set(calls.flatMap(iamActionsOf))].sort();
}

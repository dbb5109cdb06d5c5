import { dirname, join, resolve } from 'node:path';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface BundledFunctionProps {
  /** `functions/<name>/handler.ts`. */
  name: 'router' | 'metering' | 'lago-sync';
  projectRoot: string;
  /** The router config, copied next to the bundle as `router-config.json`. */
  routerConfig: string;
  memoryMb: number;
  timeout: Duration;
  logRetention: RetentionDays;
  retain: boolean;
  logLevel: string;
  environment: Record<string, string>;
  reservedConcurrency?: number;
  tracing: boolean;
  /** Project files the function reads at run time (the routing model), copied to the same relative path. */
  files?: readonly string[];
  /** Project folders the function reads at run time (the console's built files), copied whole to the same relative path. */
  dirs?: readonly string[];
}

/**
 * One Lambda as the project deploys them all: ESM bundle by a local esbuild (no Docker),
 * minified with source maps, arm64, Node 24, its own log group with retention, JSON logs.
 * The AWS SDK v3 is left to the runtime (nodejs24.x ships it), which keeps bundles small.
 */
export class BundledFunction extends Construct {
  readonly fn: NodejsFunction;
  /** The function's own role: acknowledgements of its policy's findings go here. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const configSource = resolve(props.projectRoot, props.routerConfig);
    // An explicit role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `inference-router ${props.name}`,
    });
    logGroup.grantWrite(role);
    this.role = role;
    if (props.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions; it is the only '*' in this role.",
      });
    }
    this.fn = new NodejsFunction(this, 'Function', {
      entry: resolve(props.projectRoot, `functions/${props.name}/handler.ts`),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: resolve(props.projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      logGroup,
      role,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        ROUTER_CONFIG: 'router-config.json',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_SERVICE_NAME: `inference-router-${props.name}`,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // Compiles the Tracer in or out (functions/router/tracing.ts).
        define: { ROUTER_TRACING: props.tracing ? 'true' : 'false' },
        // The nodejs24.x runtime ships the AWS SDK v3 and its @smithy dependencies: leave them out.
        externalModules: ['@aws-sdk/*', '@smithy/*'],
        // Some dependencies still `require()` Node built-ins; give ESM bundles a `require`.
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => [
            `cp "${configSource}" "${output}/router-config.json"`,
            ...(props.files ?? []).flatMap((file) => [
              `mkdir -p "${dirname(join(output, file))}"`,
              `cp "${resolve(props.projectRoot, file)}" "${join(output, file)}"`,
            ]),
            ...(props.dirs ?? []).flatMap((dir) => [
              `mkdir -p "${join(output, dir)}"`,
              `cp -R "${resolve(props.projectRoot, dir)}/." "${join(output, dir)}"`,
            ]),
          ],
        },
      },
    });
  }
}

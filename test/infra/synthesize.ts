import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type BuildOptions, buildApp } from '#infra/app.ts';

// Synthesizes exactly like `cdk synth -c env=<name>` (the app builder, cdk-nag included), offline:
// real bundling with the local esbuild, no Docker, no credentials.

export interface SynthesizedStack {
  template: Template;
  /** The template file CloudFormation would receive. */
  templatePath: string;
}

export interface Synthesized extends SynthesizedStack {
  /** The account-wide API Gateway logging stack, when the environment deploys it. */
  account: SynthesizedStack | undefined;
  /** The environment stack's dependencies, as `cdk deploy` orders them. */
  dependencies: string[];
  /** cdk-nag findings nobody acknowledged. */
  violations: unknown[];
}

const outdirs: string[] = [];

/** Removes every cloud assembly written so far (call it in `afterAll`). */
export const removeAssemblies = (): void => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
};

export interface SynthesizeOptions extends BuildOptions {
  /** `false` skips esbuild (as `cdk ls` does) for tests about anything but the code: much faster. */
  bundle?: boolean;
}

export const synthesize = (envName: string, { bundle = true, ...options }: SynthesizeOptions = {}): Synthesized => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-test-'));
  outdirs.push(outdir);
  const context = { env: envName, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const { app, stack, accountStack } = buildApp(envName, new App({ outdir, context }), options);
  const assembly = app.synth();
  const reportPath = join(assembly.directory, 'validation-report.json');
  const report = existsSync(reportPath)
    ? (JSON.parse(readFileSync(reportPath, 'utf8')) as { pluginReports?: Array<{ violations?: unknown[] }> })
    : undefined;
  const of = (name: string): SynthesizedStack => {
    const artifact = assembly.getStackByName(name);
    return { template: Template.fromJSON(artifact.template), templatePath: join(assembly.directory, artifact.templateFile) };
  };
  return {
    ...of(stack.stackName),
    account: accountStack ? of(accountStack.stackName) : undefined,
    dependencies: assembly
      .getStackByName(stack.stackName)
      .dependencies.map((dependency) => dependency.id)
      .filter((id) => !id.endsWith('.assets')),
    violations: (report?.pluginReports ?? []).flatMap((plugin) => plugin.violations ?? []),
  };
};

/**
 * What the tests synthesize besides the environments, every opt-in at once: Bedrock models behind
 * each inference-profile prefix and a plain one, a model key by secret ARN, Lago, a custom domain,
 * WAF, reserved concurrency, and the account's existing API Gateway role.
 */
export const EVERY_OPTION: BuildOptions['overrides'] = {
  routerConfig: 'test/fixtures/infra/lago-config.json',
  domain: { name: 'llm.example.com', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-example' },
  waf: { enabled: true, rateLimitPerIp: 1_000 },
  router: { memoryMb: 1_024, timeoutSeconds: 300, reservedConcurrency: 50 },
  apiGatewayAccount: 'existing',
};

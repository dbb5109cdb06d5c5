import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { API_GATEWAY_ACCOUNT_STACK, ApiGatewayAccountStack } from './api-gateway-account-stack.ts';
import { type EnvConfigInput, loadEnvConfig } from './env-config.ts';
import { RouterStack } from './router-stack.ts';

// `npx cdk synth|deploy -c env=<name>`: one stack per environment, settings in infra/env/<name>.json,
// plus the account-wide API Gateway logging stack it depends on (unless the env file says it exists).
// No account or region lookups, so synth works offline with no credentials.

export const projectRoot = resolve(import.meta.dirname, '..');

export interface BuildOptions {
  /** Fields that replace the env file's before validation: tests synthesize other router configs this way. */
  overrides?: Partial<EnvConfigInput>;
}

export interface BuiltApp {
  app: App;
  stack: RouterStack;
  /** Absent when the env file sets `"apiGatewayAccount": "existing"`. */
  accountStack: ApiGatewayAccountStack | undefined;
}

/** Builds what `cdk synth -c env=<name>` synthesizes, cdk-nag's AWS Solutions checks included. */
export const buildApp = (envName: string, app = new App({ context: { env: envName } }), options: BuildOptions = {}): BuiltApp => {
  const env = loadEnvConfig(envName, projectRoot, options.overrides);
  const stack = new RouterStack(app, `inference-router-${envName}`, {
    envName,
    settings: env,
    projectRoot,
    description: `OpenAI-compatible LLM inference router (${envName})`,
    tags: { project: 'inference-router', environment: envName },
  });
  let accountStack: ApiGatewayAccountStack | undefined;
  if (env.apiGatewayAccount === 'stack') {
    accountStack = new ApiGatewayAccountStack(app, API_GATEWAY_ACCOUNT_STACK, {
      description:
        "API Gateway's account-level CloudWatch Logs role, shared by every REST API in this account and region (retained)",
      tags: { project: 'inference-router' },
    });
    // The stage's access logs need the account's role first; `cdk deploy <env stack>` deploys this one before it.
    stack.addStackDependency(accountStack, 'API Gateway needs the account-level CloudWatch role before a stage can log');
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, accountStack };
};

if (process.argv[1] === import.meta.filename) {
  const app = new App();
  const envName = app.node.tryGetContext('env');
  if (typeof envName !== 'string') throw new Error('Choose an environment: npx cdk synth -c env=dev (files in infra/env/)');
  buildApp(envName, app);
  app.synth();
}

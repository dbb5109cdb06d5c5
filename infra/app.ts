import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadEnvConfig } from './env-config.ts';
import { RouterStack } from './router-stack.ts';

// `npx cdk synth|deploy -c env=<name>`: one stack per environment, settings in infra/env/<name>.json.
// No account or region lookups, so synth works offline with no credentials.

export const projectRoot = resolve(import.meta.dirname, '..');

export const buildApp = (envName: string, app = new App({ context: { env: envName } })): { app: App; stack: RouterStack } => {
  const env = loadEnvConfig(envName, projectRoot);
  const stack = new RouterStack(app, `inference-router-${envName}`, {
    envName,
    settings: env,
    projectRoot,
    description: `OpenAI-compatible LLM inference router (${envName})`,
    tags: { project: 'inference-router', environment: envName },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
};

if (process.argv[1] === import.meta.filename) {
  const app = new App();
  const envName = app.node.tryGetContext('env');
  if (typeof envName !== 'string') throw new Error('Choose an environment: npx cdk synth -c env=dev (files in infra/env/)');
  buildApp(envName, app);
  app.synth();
}

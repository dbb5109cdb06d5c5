import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { EVERY_OPTION, removeAssemblies, synthesize } from './synthesize.ts';

// cfn-lint (on the machine image, and so in CI) over the templates `cdk synth` writes for every
// environment, the account-wide API Gateway stack, and a config with every option (Bedrock, Lago,
// a custom domain, WAF): no errors, and every warning either fixed or explained below.

const CFN_LINT = 'cfn-lint';

interface Finding {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Message: string;
  Rule: { Id: string };
  Location: { Path: Array<string | number> };
}

/** Warnings accepted on purpose, each with why; anything else cfn-lint reports fails the suite. */
const EXPLAINED: ReadonlyArray<{ rule: string; matches: (finding: Finding) => boolean; reason: string }> = [
  {
    rule: 'W3005',
    matches: (finding) =>
      finding.Location.Path[2] === 'DependsOn' &&
      /^'(Router|Metering|LagoSync)Role[0-9A-F]{8}' dependency already enforced by a 'GetAtt' at 'Resources\/\w+\/Properties\/Role'$/.test(
        finding.Message,
      ),
    reason:
      "aws-cdk-lib's Function makes itself depend on its role construct, which puts both the role's default policy and the role in DependsOn. The policy entry is the one that matters (the function, its event source mapping and async destination must not exist before their permissions); the role entry repeats the Fn::GetAtt's implicit dependency and changes nothing in deploy order. Removing it would mean patching CDK's dependency resolution.",
  },
];

const templates: string[] = [];
let findings: Finding[] = [];

beforeAll(() => {
  // Prepare
  const version = spawnSync(CFN_LINT, ['--version'], { encoding: 'utf8' });
  if (version.error)
    throw new Error(
      `${CFN_LINT} is not installed or not on PATH (${version.error.message}). Install it with "pip install cfn-lint" (CI's image has cfn-lint 1.51).`,
    );
  for (const envName of ['dev', 'staging', 'prod']) {
    const { templatePath, account } = synthesize(envName);
    templates.push(templatePath);
    if (account && !templates.some((path) => basename(path) === basename(account.templatePath)))
      templates.push(account.templatePath);
  }
  templates.push(synthesize('dev', { overrides: EVERY_OPTION }).templatePath);

  // Act
  const run = spawnSync(CFN_LINT, ['--format', 'json', '--', ...templates], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (run.error || (run.status !== 0 && run.stdout.trim() === ''))
    throw new Error(`${CFN_LINT} failed to run: ${run.error?.message ?? run.stderr}`);
  findings = JSON.parse(run.stdout) as Finding[];
}, 240_000);
afterAll(removeAssemblies);

const describeFinding = (finding: Finding): string =>
  `${basename(finding.Filename)} ${finding.Rule.Id} ${finding.Location.Path.join('/')}: ${finding.Message}`;

test('cfn-lint ran on the templates of every environment, the API Gateway account stack and a config with every option', () => {
  // Assess
  expect(templates.map((path) => basename(path)).sort()).toEqual([
    'inference-router-api-gateway-account.template.json',
    'inference-router-dev.template.json',
    'inference-router-dev.template.json',
    'inference-router-prod.template.json',
    'inference-router-staging.template.json',
  ]);
});

test('cfn-lint finds no errors', () => {
  // Assess
  expect(findings.filter((finding) => finding.Level === 'Error').map(describeFinding)).toEqual([]);
});

test('every cfn-lint warning is fixed or explained', () => {
  // Act
  const unexplained = findings.filter(
    (finding) =>
      finding.Level !== 'Error' &&
      !EXPLAINED.some((explained) => explained.rule === finding.Rule.Id && explained.matches(finding)),
  );

  // Assess
  expect(unexplained.map(describeFinding)).toEqual([]);
});

test('every explanation still matches a warning, so none outlives what it explains', () => {
  // Assess
  for (const explained of EXPLAINED)
    expect(
      findings.some((finding) => finding.Rule.Id === explained.rule && explained.matches(finding)),
      explained.rule,
    ).toBe(true);
});

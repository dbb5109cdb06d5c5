import type { Negative, Positive } from './sample.ts';

// Provider-shaped keys are assembled from pieces so that secret scanners (push protection) do
// not flag this repository for fake keys.
const key = (...parts: string[]): string => parts.join('');

const routerKey = key('sk-', 'ir-', 'AbCdEfGhIjKlMnOpQrStUvWxYz012345');
const openAiKey = key('sk-', 'proj-', 'Xy12Ab34Cd56Ef78Gh90Ij12Kl34Mn56');
const anthropicKey = key('sk-', 'ant-', 'api03-', 'AbCdEf1234567890GhIjKl-_mnOpQr');
const awsKeyId = key('AKIA', 'IOSFODNN7EXAMPLE');
const awsTemporaryKeyId = key('ASIA', 'Y34FZKBOKMUTVV7A');
const awsSecret = key('wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY');
const githubToken = key('ghp_', '1234567890abcdefghijABCDEFGHIJ123456');
const githubPat = key('github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012');
const slackToken = key('xox', 'b-', '123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx');
const stripeKey = key('sk_', 'live_', '4eC39HqLyjWDarjtT1zdp7dc');
const googleKey = key('AIza', 'SyA-1234567890abcdefghijklmnopqrstu');
const jwt = key(
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  '.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
  '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
);
const unsignedJwt = key('eyJhbGciOiJub25lIn0', '.eyJzdWIiOiIxMjMifQ', '.');
const pem = key(
  '-----BEGIN RSA ',
  'PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA ',
  'PRIVATE KEY-----',
);
const truncatedPem = key(
  '-----BEGIN ',
  'OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDE',
);

export const secretPositives: Positive[] = [
  { name: 'a router key', text: `Authorization uses ${routerKey}`, expected: [routerKey] },
  { name: 'an OpenAI project key', text: `OPENAI=${openAiKey}`, expected: [openAiKey] },
  { name: 'an Anthropic key', text: `key: "${anthropicKey}"`, expected: [anthropicKey] },
  { name: 'an AWS access key id', text: `aws_access_key_id=${awsKeyId}`, expected: [awsKeyId] },
  { name: 'an AWS temporary key id', text: `AccessKeyId: ${awsTemporaryKeyId}`, expected: [awsTemporaryKeyId] },
  { name: 'a labelled AWS secret key, value only', text: `aws_secret_access_key = ${awsSecret}`, expected: [awsSecret] },
  { name: 'an AWS secret key in JSON', text: `{"SecretAccessKey": "${awsSecret}"}`, expected: [awsSecret] },
  { name: 'a GitHub token', text: `git clone https://${githubToken}@github.com/org/repo`, expected: [githubToken] },
  { name: 'a GitHub fine-grained PAT', text: `GH_TOKEN ${githubPat}`, expected: [githubPat] },
  { name: 'a Slack bot token', text: `SLACK ${slackToken}`, expected: [slackToken] },
  { name: 'a Stripe live key', text: `stripe.key(${stripeKey})`, expected: [stripeKey] },
  { name: 'a Google API key', text: `?key=${googleKey}&q=x`, expected: [googleKey] },
  { name: 'a JWT', text: `token ${jwt} expired`, expected: [jwt] },
  { name: 'an unsigned JWT', text: `jwt ${unsignedJwt} ok`, expected: [unsignedJwt] },
  { name: 'a PEM private key', text: `Here is my key:\n${pem}\nthanks`, expected: [pem] },
  { name: 'a truncated PEM private key', text: `${truncatedPem}\n`, expected: [truncatedPem] },
  { name: 'an unquoted password, value only', text: 'login with password=hunter2hunter please', expected: ['hunter2hunter'] },
  {
    name: 'a quoted passphrase',
    text: '{"password": "correct horse battery staple"}',
    expected: ['correct horse battery staple'],
  },
  { name: 'an env file line', text: "DB_PASSWORD='S3cr3t!Passw0rd'\nDB_USER=app", expected: ['S3cr3t!Passw0rd'] },
  { name: 'a YAML api_key', text: 'api_key: a1b2c3d4e5f6g7h8', expected: ['a1b2c3d4e5f6g7h8'] },
  { name: 'a Bearer token', text: 'Authorization: Bearer abcdef1234567890ABCDEF', expected: ['abcdef1234567890ABCDEF'] },
  { name: 'an unquoted value ending a sentence', text: 'Use password=hunter2hunter.', expected: ['hunter2hunter'] },
  { name: 'a Bearer token ending a sentence', text: 'Send Bearer abcdef1234567890ABCDEF.', expected: ['abcdef1234567890ABCDEF'] },
  { name: 'a client secret', text: 'client_secret := "9f8e7d6c5b4a"', expected: ['9f8e7d6c5b4a'] },
];

export const secretNegatives: Negative[] = [
  { name: 'a CSS class starting with sk-', text: '<div class="sk-spinner-container-wrapper">' },
  { name: 'a short sk- value', text: 'sk-12345' },
  { name: 'a task name', text: 'task-AbCdEfGhIjKlMnOpQrStUvWxYz012345' },
  { name: 'a type annotation', text: 'password: string; token: string | null;' },
  { name: 'a member path', text: 'const apiKey = config.apiKey; const secret = process.env.SECRET;' },
  { name: 'a call', text: 'const token = getToken(); password = readPassword(input)' },
  { name: 'an identifier', text: 'password = userPassword' },
  {
    name: 'environment references and templates',
    text: `password: "\${DB_PASSWORD}"\napi_key="$API_KEY"\nPASSWORD=%DB_PASS%\ntoken = $GITHUB_TOKEN_VALUE\nsecret: "{{ vault_secret }}"`,
  },
  { name: 'a placeholder', text: 'api_key: "<your-api-key>"' },
  { name: 'a mask', text: 'password: "********" and token=xxxxxxxxxxxx' },
  { name: 'a too-short AWS key id', text: 'AKIAIOSFODNN7EXAMPL' },
  { name: 'an unlabelled 40-character string', text: 'value wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  { name: 'a dotted string whose header has no alg', text: 'eyJmb28iOiJiYXIifQ.eyJ4IjoxfQ.c2lnbmF0dXJl' },
  { name: 'a public key', text: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----' },
  {
    name: 'a certificate',
    text: '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----',
  },
  { name: 'token counts', text: 'max_tokens: 4096, "tokens": 123456789' },
  { name: 'prose about secrets', text: 'The secret to good bread is time. Keep your password safe.' },
  { name: 'an expired bearer', text: 'Bearer token expired' },
  { name: 'a Stripe publishable key', text: 'pk_live_4eC39HqLyjWDarjtT1zdp7dc' },
];

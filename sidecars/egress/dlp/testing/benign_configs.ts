/**
 * Configuration a coding agent reads and sends on: `env` output inside a bottle, CI
 * workflows naming secrets, docker-compose files with variables and tutorial defaults,
 * Terraform variables, Kubernetes Secrets with placeholder values, `.npmrc`.
 */
import { Buffer } from "node:buffer";
import { ALNUM, HEX, LOWER, type Rng, uuid } from "./random.ts";

function hex(rng: Rng, n: number): string {
  return rng.chars(HEX, n);
}

function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

function b64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** A Supabase anon key or CLI demo key shape: public by design. */
export function supabasePublicJwt(rng: Rng): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = rng.int(2)
    ? { iss: "supabase", ref: rng.chars(LOWER, 20), role: "anon", iat: 1700000000, exp: 2e9 }
    : { iss: "supabase-demo", role: rng.pick(["anon", "service_role"]), exp: 1983812996 };
  return `${header}.${b64url(JSON.stringify(payload))}.${rng.chars(ALNUM + "-_", 43)}`;
}

/** `env` inside a bottle: proxy settings, placeholders for injected secrets, tool paths. */
export function envOutput(rng: Rng): string {
  const port = 30000 + rng.int(30000);
  return [
    `HOSTNAME=${hex(rng, 12)}`,
    "HOME=/home/agent",
    "PATH=/home/agent/.deno/bin:/usr/local/bin:/usr/bin:/bin",
    `HTTPS_PROXY=http://127.0.0.1:${port}`,
    `HTTP_PROXY=http://127.0.0.1:${port}`,
    "NO_PROXY=localhost,127.0.0.1",
    `ANTHROPIC_API_KEY=bb_placeholder_${hex(rng, 32)}`,
    `ANTHROPIC_BASE_URL=http://127.0.0.1:${port + 1}`,
    `GITHUB_TOKEN=bb_placeholder_${hex(rng, 32)}`,
    `GIT_REMOTE=https://x-access-token:bb_placeholder_${hex(rng, 32)}@github.com/acme/app.git`,
    `CLAUDE_CODE_SESSION_ID=${uuid(rng)}`,
    "CLAUDE_CODE_ENTRYPOINT=cli",
    "GIT_SSL_CAINFO=/etc/bot-bottle/ca.pem",
    "NODE_EXTRA_CA_CERTS=/etc/bot-bottle/ca.pem",
    "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
    "npm_config_cache=/home/agent/.npm",
    "npm_config_user_agent=npm/10.8.2 node/v22.11.0 linux x64 workspaces/false",
    "npm_config_registry=https://registry.npmjs.org/",
    `npm_package_json=/work/app/package.json`,
    `SSH_AUTH_SOCK=/tmp/ssh-${rng.chars(ALNUM, 10)}/agent.${rng.int(9999)}`,
    "LS_COLORS=rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:so=01;35:do=01;35:bd=40;33;01:*.tar=01;31",
    "TERM=xterm-256color",
    "LANG=C.UTF-8",
    "SHLVL=1",
    `GPG_KEY=${hex(rng, 40).toUpperCase()}`,
    `PYTHON_SHA256=${hex(rng, 64)}`,
    "NODE_VERSION=22.11.0",
    "GOPROXY=https://proxy.golang.org,direct",
    "GOSUMDB=sum.golang.org",
    "DATABASE_URL=postgres://postgres:postgres@localhost:5432/app_test",
    "REDIS_URL=redis://localhost:6379/0",
    `SENTRY_DSN=https://${hex(rng, 32)}@o${rng.int(1e6)}.ingest.sentry.io/${rng.int(1e7)}`,
    `NEXT_PUBLIC_SUPABASE_ANON_KEY=${supabasePublicJwt(rng)}`,
    `NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_live_${rng.chars(ALNUM, 99)}`,
    `STRIPE_PUBLISHABLE_KEY=pk_test_${rng.chars(ALNUM, 99)}`,
    `STRIPE_SECRET_KEY=sk_test_${rng.chars(ALNUM, 99)}`,
    `RECAPTCHA_SITE_KEY=6L${rng.chars(ALNUM + "-_", 38)}`,
    "_=/usr/bin/env",
  ].join("\n") + "\n";
}

export function githubWorkflow(): string {
  return `name: release
on:
  push:
    tags: ["v*"]
permissions:
  contents: write
  id-token: write
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
      NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
      GH_TOKEN: \${{ github.token }}
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - uses: actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8
        with:
          node-version: 22
          registry-url: https://registry.npmjs.org
      - uses: docker/login-action@v3
        with:
          username: \${{ vars.DOCKERHUB_USERNAME }}
          password: \${{ secrets.DOCKERHUB_TOKEN }}
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
      - run: echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > ~/.npmrc
      - run: npm publish --provenance --access public
      - run: git push https://x-access-token:\${{ secrets.GITHUB_TOKEN }}@github.com/acme/app.git
`;
}

export function gitlabCi(): string {
  return `stages: [build, deploy]
build:
  image: docker:27
  script:
    - docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY
    - git clone https://gitlab-ci-token:\${CI_JOB_TOKEN}@gitlab.com/acme/lib.git
    - git clone https://oauth2:$GITLAB_TOKEN@gitlab.com/acme/other.git
    - curl -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.acme.dev/repository/raw/
  variables:
    DATABASE_URL: "postgres://$POSTGRES_USER:$POSTGRES_PASSWORD@postgres:5432/$POSTGRES_DB"
`;
}

export function dockerCompose(): string {
  return `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD}
      POSTGRES_USER: postgres
      POSTGRES_DB: app
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres"]
  mysql:
    image: mysql:8
    environment:
      MYSQL_ROOT_PASSWORD: example
      MYSQL_PASSWORD: \${MYSQL_PASSWORD:-changeme}
  rabbitmq:
    image: rabbitmq:3-management
    environment:
      RABBITMQ_DEFAULT_USER: guest
      RABBITMQ_DEFAULT_PASS: guest
  minio:
    image: minio/minio
    environment:
      MINIO_ROOT_USER: minioadmin
      MINIO_ROOT_PASSWORD: minioadmin
  redis:
    image: redis:7
    command: redis-server --requirepass "$\${REDIS_PASSWORD}"
  app:
    build: .
    environment:
      DATABASE_URL: postgres://postgres:postgres@db:5432/app
      MONGO_URL: mongodb://root:example@mongo:27017/
      AMQP_URL: amqp://guest:guest@rabbitmq:5672/
      REDIS_URL: redis://:\${REDIS_PASSWORD}@redis:6379/0
      SMTP_URL: smtp://user:password@mailhog:1025
      SECRET_KEY_BASE: \${SECRET_KEY_BASE}
      JWT_SECRET: \${JWT_SECRET:?set JWT_SECRET}
`;
}

export function terraform(): string {
  return `resource "aws_db_instance" "main" {
  engine            = "postgres"
  username          = var.db_username
  password          = var.db_password
  master_password   = random_password.db.result
  storage_encrypted = true
}

provider "aws" {
  region     = "us-east-1"
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
  token      = data.vault_generic_secret.aws.data["token"]
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "random_password" "db" {
  length  = 32
  special = true
}
`;
}

/** A Secret whose base64 values are placeholders (`changeme`, `admin`, `password`). */
export function kubernetesSecret(): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  username: ${b64("admin")}
  password: ${b64("changeme")}
  api-token: ${b64("REPLACE_ME")}
  secret: ${b64("password123")}
stringData:
  token: \${DB_TOKEN}
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db
                  key: password
`;
}

export function npmrc(): string {
  return [
    "registry=https://registry.npmjs.org/",
    "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    "@acme:registry=https://npm.pkg.github.com",
    "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}",
    "always-auth=true",
  ].join("\n") + "\n";
}

/** Every configuration kind, named. */
export function configFiles(rng: Rng): [string, string][] {
  return [
    ["env output", envOutput(rng)],
    ["GitHub workflow", githubWorkflow()],
    [".gitlab-ci.yml", gitlabCi()],
    ["docker-compose.yml", dockerCompose()],
    ["main.tf", terraform()],
    ["kubernetes Secret", kubernetesSecret()],
    [".npmrc", npmrc()],
  ];
}

/**
 * Samples of credentials in URLs: connection strings of every common scheme with passwords
 * as `openssl rand` makes them (hex, base64 percent-encoded, base64 with only the URL
 * delimiters encoded, alphanumeric), and tokens in `https://user:token@host` remotes.
 */
import { ALNUM, HEX, LOWER, type Rng } from "./random.ts";
import { b64, type Generator, mixed, type Sample } from "./sample_parts.ts";

/** `user:password@…` with the scheme, host and path around it. */
const TEMPLATES: readonly ((user: string, password: string) => string)[] = [
  (u, p) => `postgres://${u}:${p}@db.internal:5432/app?sslmode=require`,
  (u, p) => `postgresql://${u}:${p}@10.0.3.17/app`,
  (u, p) => `mysql://${u}:${p}@mysql.prod.svc.cluster.local:3306/shop`,
  (u, p) => `mariadb://${u}:${p}@mariadb:3306/wiki`,
  (u, p) => `mongodb://${u}:${p}@mongo-0.mongo,mongo-1.mongo:27017/admin?replicaSet=rs0`,
  (u, p) => `mongodb+srv://${u}:${p}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true&w=majority`,
  (_u, p) => `redis://:${p}@redis.internal:6379/0`,
  (u, p) => `rediss://${u}:${p}@cache.upstash.io:6380`,
  (u, p) => `amqp://${u}:${p}@rabbitmq:5672/vhost`,
  (u, p) => `amqps://${u}:${p}@b-1234.mq.us-east-1.amazonaws.com:5671`,
  (u, p) => `mssql://${u}:${p}@sql.example.net:1433/orders`,
  (u, p) => `sqlserver://${u}:${p}@sqlsrv.corp:1433?database=erp`,
  (u, p) => `jdbc:mysql://${u}:${p}@db.corp:3306/app?useSSL=true`,
  (u, p) => `jdbc:postgresql://${u}:${p}@pg.corp:5432/app`,
  (u, p) => `clickhouse://${u}:${p}@ch.internal:9000/events`,
  (u, p) => `cockroachdb://${u}:${p}@crdb.cloud:26257/defaultdb?sslmode=verify-full`,
  (u, p) => `ftp://${u}:${p}@ftp.example.org/pub/upload`,
  (u, p) => `ftps://${u}:${p}@files.example.org:990/`,
  (u, p) => `sftp://${u}:${p}@sftp.partner.com:22/outbox`,
  (u, p) => `smtp://${u}:${p}@smtp.mailgun.org:587`,
  (u, p) => `smtps://${u}:${p}@smtp.gmail.com:465`,
  (u, p) => `ldap://${u}:${p}@ldap.corp:389/dc=corp,dc=com`,
  (u, p) => `ldaps://${u}:${p}@ad.corp:636`,
  (u, p) => `http://${u}:${p}@proxy.corp:3128`,
  (u, p) => `https://${u}:${p}@git.example.com/team/repo.git`,
  (u, p) => `git+https://${u}:${p}@gitlab.example.com/group/pkg.git#v1.2.0`,
  (u, p) => `nats://${u}:${p}@nats:4222`,
  (u, p) => `kafka://${u}:${p}@broker-1:9093`,
];

const USERS = ["app", "admin", "deploy", "svc_orders", "readonly", "ci-bot", "root", "sa"];

/** A password as `openssl rand` (or a password manager) makes it, ready for a URL. */
function password(r: Rng): string {
  switch (r.int(5)) {
    case 0:
      return r.chars(HEX, 32);
    case 1:
      return encodeURIComponent(b64(r.bytes(18 + r.int(15))));
    case 2:
      return b64(r.bytes(24)).replace(/[/@:?#]/g, (c) => encodeURIComponent(c));
    case 3:
      return mixed(r, ALNUM, 16 + r.int(16));
    default:
      return mixed(r, ALNUM + "-_.~!*", 20);
  }
}

function urlCredentials(r: Rng): Sample {
  const secret = password(r);
  const user = r.int(4) === 0 ? `${r.pick(USERS)}_${r.chars(LOWER, 4)}` : r.pick(USERS);
  return { text: r.pick(TEMPLATES)(user, secret), secret };
}

export const URL_CREDENTIAL_SAMPLES: Record<string, Generator> = {
  "url-credentials": urlCredentials,
};

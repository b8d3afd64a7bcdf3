#!/usr/bin/env node
// Issues Gridwork's NATS identities as JWTs: one operator, a system account,
// the PLATFORM account (all services, JetStream), and one account per
// department system. An admin runs this one command:
//
//   node deploy/nats/issue-credentials.mjs service <org|grid|dispatch|timebank|admission|gateway> [--out DIR] [--push URL]
//   node deploy/nats/issue-credentials.mjs department <code> [--out DIR] [--push URL]
//   node deploy/nats/issue-credentials.mjs revoke <code> [--out DIR] [--push URL]
//   node deploy/nats/issue-credentials.mjs push [--out DIR] --push URL
//
// DIR (default ./nats-creds/, mode 0700) holds every seed (secret, mode 0600)
// and JWT, and is the state of the deployment: keep it, back it up, never
// commit it. The first run creates the operator, the system account with its
// admin user (sys.creds) and the PLATFORM account. Each run writes:
//   <name>.creds         a user's JWT and seed, for NATS_CREDS_FILE / credsAuthenticator
//   accounts/<name>.jwt  every account's JWT (and .nk, its seed)
//   resolver.conf        operator, system account and the full resolver, with every
//                        account preloaded; nats-server.conf includes it
// With --push URL it also sends the changed account JWTs to the running
// server's resolver as the system account ($SYS.REQ.CLAIMS.UPDATE): a
// department is added or revoked without restarting nats-server.
//
// Why accounts: a department's account holds nothing but what the PLATFORM
// account exports to it alone (an activation token bound to its account key):
// the requests gov.ext.<code>.> (a service import: the server routes the reply
// back itself, so a reply subject cannot steer a service), its notices
// gov.evt.dispatch.notice.<code>.> (a stream import), and pulling from and
// acknowledging its consumer GOV_DISPATCH/<code>. Nothing else of the
// platform exists in its account.

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAccount, createOperator, createUser, fromSeed } from '@nats-io/nkeys';
import { encodeAccount, encodeActivation, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { SERVICES, servicePermissions } from './service-permissions.mjs';

// Second subject tokens the platform itself uses under gov.*: never a department code.
const RESERVED = new Set([...SERVICES, 'evt', 'dlq', 'ext', 'notify', 'notice', 'ops', 'platform', 'sys']);
// The platform's rule for a department code (DEPARTMENT_CODE in libs/contracts/src/definitions.ts).
const CODE = /^[a-z][a-z0-9-]{1,39}$/;
const PLATFORM = 'PLATFORM';
const SYSTEM = 'SYS';
/** The stream of dispatch's events, where each department's notices and its consumer live. */
const NOTICE_STREAM = 'GOV_DISPATCH';
/**
 * Where a department's account has its consumer's JetStream API
 * (DEPARTMENT_JS_API_PREFIX in libs/contracts): nats-server answers $JS.API.…
 * itself in an account without JetStream, so the import needs another name.
 */
const DEPARTMENT_JS_API = 'gridwork.API';

function usage(message) {
  if (message) process.stderr.write(`${message}\n\n`);
  process.stderr.write(
    'usage: node deploy/nats/issue-credentials.mjs service <' + SERVICES.join('|') + '> [--out DIR] [--push URL]\n' +
      '       node deploy/nats/issue-credentials.mjs department <code> [--out DIR] [--push URL]\n' +
      '       node deploy/nats/issue-credentials.mjs revoke <code> [--out DIR] [--push URL]\n' +
      '       node deploy/nats/issue-credentials.mjs push --push URL [--out DIR]\n' +
      '  <code>: lower-case letters, digits and -, starting with a letter, 2 to 40 long (e.g. housing, urban-mgmt)\n',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let out = './nats-creds';
let pushUrl;
const positional = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--out' || arg === '--push') {
    const value = args[++i];
    if (!value) usage(`${arg} needs a value`);
    if (arg === '--out') out = value;
    else pushUrl = value;
  } else if (arg.startsWith('--out=')) {
    out = arg.slice('--out='.length);
  } else if (arg.startsWith('--push=')) {
    pushUrl = arg.slice('--push='.length);
  } else if (arg === '-h' || arg === '--help') {
    usage();
  } else if (arg.startsWith('-')) {
    usage(`unknown option ${arg}`);
  } else {
    positional.push(arg);
  }
}
const [kind, name] = positional;
if (kind === 'push') {
  if (positional.length !== 1 || !pushUrl) usage('push takes no name and needs --push URL');
} else if (positional.length !== 2) {
  usage();
} else if (kind === 'service') {
  if (!SERVICES.includes(name)) usage(`unknown service '${name}'; one of ${SERVICES.join(', ')}`);
} else if (kind === 'department' || kind === 'revoke') {
  if (!CODE.test(name)) usage(`'${name}' is not a department code`);
  if (RESERVED.has(name)) usage(`'${name}' is reserved by the platform; choose another department code`);
} else {
  usage(`the first argument is 'service', 'department', 'revoke' or 'push', not '${kind}'`);
}

const dir = resolve(out);
const accountsDir = join(dir, 'accounts');
const statePath = join(dir, 'state.json');
/**
 * Departments issued, revoked now, and the last revocation of each (code ->
 * seconds since the epoch), kept so each run rebuilds the PLATFORM account's
 * exports and a department issued again after a revocation still refuses the
 * users it had before.
 */
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : { departments: {}, revoked: {} };
state.revokedBefore ??= {};
// Refused before anything is written.
if ((kind === 'revoke' || kind === 'push') && !existsSync(join(dir, 'operator.nk'))) {
  process.stderr.write(`${dir} holds no credentials issued by this command (no operator.nk): nothing to ${kind}\n`);
  process.exit(1);
}
if (kind === 'revoke' && !state.departments[name]) {
  process.stderr.write(`no department '${name}' was issued from ${dir}\n`);
  process.exit(1);
}
mkdirSync(accountsDir, { recursive: true, mode: 0o700 });
chmodSync(dir, 0o700);

const secret = (path, text) => writeFileSync(path, text, { mode: 0o600 });
/** A key pair kept in DIR: made on first use, read back after. */
function keyPair(path, create) {
  if (existsSync(path)) return fromSeed(new TextEncoder().encode(readFileSync(path, 'utf8').trim()));
  const kp = create();
  secret(path, `${new TextDecoder().decode(kp.getSeed())}\n`);
  return kp;
}
const operator = keyPair(join(dir, 'operator.nk'), createOperator);
const accountKey = (account) => keyPair(join(accountsDir, `${account}.nk`), createAccount);
const system = accountKey(SYSTEM);
const platform = accountKey(PLATFORM);

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
const now = () => Math.floor(Date.now() / 1000);

/** The exports the PLATFORM account makes for one department, each only to that department's account (token_req). */
const exportsFor = (code) => [
  { name: `${code}-requests`, subject: `gov.ext.${code}.>`, type: 'service', token_req: true, response_type: 'Singleton' },
  { name: `${code}-notices`, subject: `gov.evt.dispatch.notice.${code}.>`, type: 'stream', token_req: true },
  { name: `${code}-consumer-info`, subject: `$JS.API.CONSUMER.INFO.${NOTICE_STREAM}.${code}`, type: 'service', token_req: true, response_type: 'Singleton' },
  // A pull answers with many messages: the deliveries.
  { name: `${code}-consumer-next`, subject: `$JS.API.CONSUMER.MSG.NEXT.${NOTICE_STREAM}.${code}`, type: 'service', token_req: true, response_type: 'Stream' },
  { name: `${code}-consumer-ack`, subject: `$JS.ACK.${NOTICE_STREAM}.${code}.>`, type: 'service', token_req: true, response_type: 'Singleton' },
];

const activeDepartments = () => Object.keys(state.departments).filter((code) => !state.revoked[code]).sort();

async function platformJwt() {
  return encodeAccount(PLATFORM, platform, {
    limits: { ...UNLIMITED, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
    exports: activeDepartments().flatMap(exportsFor),
  }, { signer: operator });
}

async function departmentJwt(code) {
  const kp = accountKey(code);
  const revokedAt = state.revoked[code];
  const revokedBefore = state.revokedBefore[code];
  const imports = [];
  if (!revokedAt) {
    for (const e of exportsFor(code)) {
      const token = await encodeActivation(e.name, kp, platform, e.type, { subject: e.subject });
      const local = e.subject.startsWith('$JS.API.') ? { local_subject: `${DEPARTMENT_JS_API}.${e.subject.slice('$JS.API.'.length)}` } : {};
      imports.push({ name: e.name, subject: e.subject, account: platform.getPublicKey(), token, type: e.type, ...local });
    }
  }
  return encodeAccount(code, kp, {
    // A revoked department: no connections, and every user issued before the revocation refused, also once issued again.
    limits: { ...UNLIMITED, conn: revokedAt ? 0 : -1 },
    imports,
    ...(revokedBefore ? { revocations: { '*': revokedBefore } } : {}),
  }, { signer: operator });
}

/** A user of an account, written as <file>.creds. */
async function issueUser(file, userName, account, permissions) {
  const user = createUser();
  const jwt = await encodeUser(userName, user, account, permissions);
  secret(join(dir, `${file}.creds`), new TextDecoder().decode(fmtCreds(jwt, user)));
  return user.getPublicKey();
}

const changed = new Set();
let issued;
if (kind === 'service') {
  issued = await issueUser(name, `${name}-service`, platform, servicePermissions(name));
} else if (kind === 'department') {
  delete state.revoked[name];
  state.departments[name] = state.departments[name] ?? now();
  // A user issued in the second of the last revocation would count as revoked: wait for the next.
  while (state.revokedBefore[name] && now() <= state.revokedBefore[name]) await new Promise((r) => setTimeout(r, 100));
  const d = name;
  issued = await issueUser(d, `${d}-department`, accountKey(d), {
    // Within its own account: only what the platform exports to it.
    pub: {
      allow: [
        `gov.ext.${d}.>`,
        `${DEPARTMENT_JS_API}.CONSUMER.INFO.${NOTICE_STREAM}.${d}`,
        `${DEPARTMENT_JS_API}.CONSUMER.MSG.NEXT.${NOTICE_STREAM}.${d}`,
        `$JS.ACK.${NOTICE_STREAM}.${d}.>`,
      ],
    },
    sub: { allow: [`_INBOX_${d}.>`, `gov.evt.dispatch.notice.${d}.>`] },
  });
  changed.add(d).add(PLATFORM);
} else if (kind === 'revoke') {
  // One second on: users issued in this very second are revoked too.
  state.revoked[name] = now() + 1;
  state.revokedBefore[name] = state.revoked[name];
  changed.add(name).add(PLATFORM);
}
// The system account's user, for pushing account JWTs; made once.
if (!existsSync(join(dir, 'sys.creds'))) await issueUser('sys', 'sys-admin', system, {});
secret(statePath, `${JSON.stringify(state, null, 2)}\n`);

const jwts = {
  [SYSTEM]: await encodeAccount(SYSTEM, system, { limits: UNLIMITED }, { signer: operator }),
  [PLATFORM]: await platformJwt(),
};
for (const code of Object.keys(state.departments).sort()) jwts[code] = await departmentJwt(code);
for (const [account, jwt] of Object.entries(jwts)) writeFileSync(join(accountsDir, `${account}.jwt`), `${jwt}\n`);
const operatorJwt = await encodeOperator('GRIDWORK', operator, { system_account: system.getPublicKey() });
writeFileSync(join(dir, 'operator.jwt'), `${operatorJwt}\n`);
const preload = Object.entries(jwts).map(([account, jwt]) => `  # ${account}\n  ${jwtKey(jwt)}: ${jwt}`);
writeFileSync(
  join(dir, 'resolver.conf'),
  [
    '# Written by deploy/nats/issue-credentials.mjs: do not edit; run it again.',
    `operator: ${operatorJwt}`,
    `system_account: ${system.getPublicKey()}`,
    '# The full resolver keeps account JWTs in its directory; new and changed ones arrive',
    '# at runtime ($SYS.REQ.CLAIMS.UPDATE, signed by the operator: issue-credentials --push).',
    'resolver {',
    '  type: full',
    '  dir: "/data/jwt"',
    '  allow_delete: false',
    '  interval: "2m"',
    '}',
    '# Every account as this run issued it: a server started afresh knows them all.',
    'resolver_preload {',
    ...preload,
    '}',
    '',
  ].join('\n'),
);

function jwtKey(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')).sub;
}

if (pushUrl) {
  const toPush = kind === 'push' ? Object.keys(jwts) : [...changed];
  await push(pushUrl, toPush.map((account) => [account, jwts[account]]));
}

async function push(url, entries) {
  const { connect } = await import('@nats-io/transport-node');
  const { credsAuthenticator } = await import('@nats-io/nats-core');
  const nc = await connect({ servers: url, authenticator: credsAuthenticator(readFileSync(join(dir, 'sys.creds'))) });
  try {
    for (const [account, jwt] of entries) {
      const reply = JSON.parse(new TextDecoder().decode((await nc.request('$SYS.REQ.CLAIMS.UPDATE', jwt, { timeout: 5_000 })).data));
      if (reply.error) throw new Error(`the server refused ${account}'s JWT: ${reply.error.description ?? JSON.stringify(reply.error)}`);
      process.stdout.write(`pushed ${account}: ${reply.data?.message ?? 'ok'}\n`);
    }
  } finally {
    await nc.close();
  }
}

const lines = [];
if (kind === 'service') {
  lines.push(`Issued the ${name} service's user ${issued} in the PLATFORM account: ${join(dir, `${name}.creds`)} (secret; NATS_CREDS_FILE).`);
} else if (kind === 'department') {
  lines.push(
    `Issued department ${name}: account ${accountKey(name).getPublicKey()}, user ${issued}: ${join(dir, `${name}.creds`)} (secret; hand it over a secure channel).`,
    `It connects with credsAuthenticator(<${name}.creds>) and inboxPrefix '_INBOX_${name}', and consumes its notices with`,
    `  new GridworkClient(nc, { department: '${name}' }).consumeAddressed(DEPARTMENT_NOTICES, {}, handler)`,
    `from the consumer '${name}' on ${NOTICE_STREAM}, which dispatch creates: add ${name} to dispatch's DEPARTMENTS setting and restart dispatch.`,
  );
} else if (kind === 'revoke') {
  lines.push(`Revoked department ${name}: its users are refused and its imports removed from the PLATFORM account.`);
}
lines.push(`Wrote ${join(dir, 'resolver.conf')} (nats-server.conf includes it) and the account JWTs in ${accountsDir}.`);
if (!pushUrl && kind !== 'service') lines.push(`Push them to the running server: node deploy/nats/issue-credentials.mjs push --out ${out} --push nats://<server>:4222`);
process.stdout.write(`${lines.join('\n')}\n`);

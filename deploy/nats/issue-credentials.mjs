#!/usr/bin/env node
// Issues NATS credentials for a Gridwork service or a department system.
//
//   node deploy/nats/issue-credentials.mjs service <org|grid|dispatch|timebank|admission|gateway> [--out DIR] [--force]
//   node deploy/nats/issue-credentials.mjs department <code> [--out DIR] [--force]
//
// Creates a user nkey pair and writes, into DIR (default ./nats-creds/, mode 0700):
//   <name>.nk     the seed alone (mode 0600): for nkeyAuthenticator(seed), `nats --nkey`
//   <name>.creds  the seed in the .creds layout (mode 0600): for NATS_CREDS_FILE,
//                 which the services read with credsAuthenticator. The JWT part of
//                 that file is a marker the server ignores: this deployment
//                 authenticates by nkey, not by JWT (no operator).
// and prints what to add to deploy/nats/accounts.conf. The seed is the secret:
// it never leaves DIR; the server only ever learns the public key (U...).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createUser } from '@nats-io/nkeys';

const SERVICES = ['org', 'grid', 'dispatch', 'timebank', 'admission', 'gateway'];
// Second subject tokens the platform itself uses under gov.*: never a department code.
const RESERVED = new Set([...SERVICES, 'evt', 'dlq', 'ext', 'notify', 'notice', 'ops']);
// The platform's rule for a department code (DEPARTMENT_CODE in libs/contracts/src/definitions.ts).
const CODE = /^[a-z][a-z0-9-]{1,39}$/;

function usage(message) {
  if (message) process.stderr.write(`${message}\n\n`);
  process.stderr.write(
    'usage: node deploy/nats/issue-credentials.mjs service <' + SERVICES.join('|') + '> [--out DIR] [--force]\n' +
      '       node deploy/nats/issue-credentials.mjs department <code> [--out DIR] [--force]\n' +
      '  <code>: lower-case letters, digits and -, starting with a letter, 2 to 40 long (e.g. housing, urban-mgmt)\n',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let out = './nats-creds';
let force = false;
const positional = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--out') {
    out = args[++i];
    if (!out) usage('--out needs a directory');
  } else if (arg.startsWith('--out=')) {
    out = arg.slice('--out='.length);
  } else if (arg === '--force') {
    force = true;
  } else if (arg === '-h' || arg === '--help') {
    usage();
  } else if (arg.startsWith('-')) {
    usage(`unknown option ${arg}`);
  } else {
    positional.push(arg);
  }
}
if (positional.length !== 2) usage();
const [kind, name] = positional;

if (kind === 'service') {
  if (!SERVICES.includes(name)) usage(`unknown service '${name}'; one of ${SERVICES.join(', ')}`);
} else if (kind === 'department') {
  if (!CODE.test(name)) usage(`'${name}' is not a department code`);
  if (RESERVED.has(name)) usage(`'${name}' is reserved by the platform; choose another department code`);
} else {
  usage(`the first argument is 'service' or 'department', not '${kind}'`);
}

const user = createUser();
const seed = new TextDecoder().decode(user.getSeed());
const publicKey = user.getPublicKey();

const dir = resolve(out);
mkdirSync(dir, { recursive: true, mode: 0o700 });
const flag = force ? 'w' : 'wx';
const seedFile = join(dir, `${name}.nk`);
const credsFile = join(dir, `${name}.creds`);
const creds = [
  '-----BEGIN NATS USER JWT-----',
  // nkey authentication: the server does not read this part (see the header above).
  `nkey-user-${name}`,
  '------END NATS USER JWT------',
  '',
  '************************* IMPORTANT *************************',
  'NKEY Seed printed below can be used to sign and prove identity.',
  'NKEYs are sensitive and should be treated as secrets.',
  '',
  '-----BEGIN USER NKEY SEED-----',
  seed,
  '------END USER NKEY SEED------',
  '',
  '*************************************************************',
  '',
].join('\n');
try {
  writeFileSync(seedFile, `${seed}\n`, { mode: 0o600, flag });
  writeFileSync(credsFile, creds, { mode: 0o600, flag });
} catch (err) {
  if (err.code === 'EEXIST') {
    process.stderr.write(`${err.path} exists; pass --force to replace it (the old key stops working once accounts.conf changes).\n`);
    process.exit(1);
  }
  throw err;
}

const envName = `GRIDWORK_NKEY_${name.toUpperCase()}`;
const q = (subject) => `"${subject}"`;

let block;
if (kind === 'service') {
  block = [
    `# accounts.conf reads the ${name} service's key from the environment of nats-server:`,
    `${envName}=${publicKey}`,
    `# (or replace $${envName} in accounts.conf with the key itself)`,
  ].join('\n');
} else {
  const d = name;
  // Its notices: JetStream events on gov.evt.dispatch.notice.<code>.<kind> in the stream GOV_DISPATCH.
  const notices = `gov.evt.dispatch.notice.${d}`;
  const publish = [
    `gov.ext.${d}.>`, // requests the services serve for this department
    '$JS.API.INFO', // the JetStream client's availability check
    `$JS.API.CONSUMER.INFO.GOV_DISPATCH.${d}`, // its own durable consumer, named <code>
    // No CONSUMER.CREATE: the platform makes that consumer (dispatch, DEPARTMENTS=...,<code>). A
    // department allowed to create it could give it a deliver_subject and have its notices pushed
    // to any subject, another department's inbox included.
    `$JS.API.CONSUMER.MSG.NEXT.GOV_DISPATCH.${d}`, // pull from it
    `$JS.ACK.GOV_DISPATCH.${d}.>`, // ack / nak / term what it pulled
  ];
  const subscribe = [`_INBOX_${d}.>`, `${notices}.>`];
  block = [
    `# department ${d}: add inside the users list of accounts.conf, then reload nats-server (nats-server --signal reload)`,
    `{ nkey: ${publicKey}`,
    `  permissions: {`,
    `    publish: { allow: [${publish.map(q).join(', ')}] }`,
    `    subscribe: { allow: [${subscribe.map(q).join(', ')}] }`,
    `  } }`,
  ].join('\n');
}

process.stdout.write(
  `Issued ${kind} user ${name}\n` +
    `  public key: ${publicKey}\n` +
    `  seed:       ${seedFile} (secret, mode 0600)\n` +
    `  creds:      ${credsFile} (secret, mode 0600; for NATS_CREDS_FILE or nats --creds)\n\n` +
    `${block}\n`,
);
if (kind === 'department') {
  process.stdout.write(
    `\nThe department connects with its seed and its own inbox prefix (its replies arrive only there):\n` +
      `  connect({ servers, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), inboxPrefix: '_INBOX_${name}' })\n` +
      `It publishes requests under gov.ext.${name}.> and consumes its notices (gov.evt.dispatch.notice.${name}.>)\n` +
      `with one durable consumer named '${name}' on the stream GOV_DISPATCH, which dispatch creates:\n` +
      `add ${name} to dispatch's DEPARTMENTS setting (comma-separated) and restart dispatch.\n` +
      `  new GridworkClient(nc, { department: '${name}' }).consumeAddressed(DEPARTMENT_NOTICES, {}, handler)\n`,
  );
}

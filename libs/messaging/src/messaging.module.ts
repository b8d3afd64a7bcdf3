import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { connect } from '@nats-io/transport-node';
import { credsAuthenticator, nkeyAuthenticator } from '@nats-io/nats-core';
import { readFileSync } from 'node:fs';
import { Messaging } from './messaging.service.js';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type MessagingOptions } from './messaging.options.js';
import { serviceInboxOf } from '@gridwork/contracts';

/**
 * The authenticator for a credentials file: a decentralized-auth `.creds`
 * file (JWT and seed), or a bare nkey seed as `deploy/nats` issues.
 */
export function natsAuthenticator(file?: string) {
  if (!file) return undefined;
  const content = readFileSync(file);
  if (content.toString('utf8').includes('BEGIN NATS USER JWT')) return credsAuthenticator(content);
  const seed = content.toString('utf8').split(/\s+/).find((line) => /^SU[A-Z2-7]+$/.test(line));
  if (!seed) throw new Error(`${file} holds neither NATS credentials nor an nkey seed`);
  return nkeyAuthenticator(new TextEncoder().encode(seed));
}

/** Connects to NATS, reconnecting for ever: a NATS restart must not stop a service. */
export function connectNats(options: Pick<MessagingOptions, 'natsUrl' | 'natsCredsFile' | 'service'>, name = options.service) {
  return connect({
    servers: options.natsUrl.split(',').map((s) => s.trim()),
    name,
    // Its own inbox: its user may subscribe to no other (deploy/nats/service-permissions.mjs), so no service reads another's replies.
    inboxPrefix: serviceInboxOf(options.service),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // Capturing a stack per request cost a quarter of the client's CPU in the benchmark.
    noAsyncTraces: true,
    authenticator: natsAuthenticator(options.natsCredsFile),
  });
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(options) },
        Messaging,
      ],
      exports: [MESSAGING_OPTIONS, NATS_CONNECTION, Messaging],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { connect } from '@nats-io/transport-node';
import { credsAuthenticator } from '@nats-io/nats-core';
import { readFileSync } from 'node:fs';
import { Messaging } from './messaging.service.js';
import { MESSAGING_OPTIONS, NATS_CONNECTION, type MessagingOptions } from './messaging.options.js';

/** Connects to NATS, reconnecting for ever: a NATS restart must not stop a service. */
export function connectNats(options: Pick<MessagingOptions, 'natsUrl' | 'natsCredsFile' | 'service'>, name = options.service) {
  return connect({
    servers: options.natsUrl.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // Capturing a stack per request cost a quarter of the client's CPU in the benchmark.
    noAsyncTraces: true,
    authenticator: options.natsCredsFile ? credsAuthenticator(readFileSync(options.natsCredsFile)) : undefined,
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

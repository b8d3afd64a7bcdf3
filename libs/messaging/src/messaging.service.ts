import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { deadLetterStreamOf, operationsOf, streamNameOf, type EndpointDefinition, type EventDefinition } from '@gridwork/contracts';
import { PINO_LOGGER, ServiceMetrics } from '@gridwork/observability';
import { DeadLetters } from './dead-letters.js';
import { ENDPOINT_METADATA, EVENT_HANDLER_METADATA } from './decorators.js';
import { EndpointServer, type EndpointHandler } from './endpoint-server.js';
import { EventConsumers, type EventHandler } from './event-consumers.js';
import { MESSAGING_OPTIONS, NATS_CONNECTION, runsEvents, type MessagingOptions } from './messaging.options.js';
import { OutboxRelay } from './outbox.js';
import { ensureServiceStreams } from './streams.js';
import { ensureDepartmentConsumers } from './department-consumers.js';

/**
 * Wires a service to NATS at start-up: provisions its streams, finds every
 * `@Endpoint` and `@OnEvent` method, serves and consumes them, and runs the
 * outbox relay; at shutdown stops taking work and drains the connection.
 */
@Injectable()
export class Messaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly endpoints: EndpointServer;
  readonly consumers: EventConsumers;
  readonly relay: OutboxRelay;
  readonly deadLetters: DeadLetters;

  constructor(
    @Inject(MESSAGING_OPTIONS) readonly options: MessagingOptions,
    @Inject(NATS_CONNECTION) readonly nc: NatsConnection,
    dataSource: DataSource,
    @Inject(PINO_LOGGER) private readonly log: Logger,
    metrics: ServiceMetrics,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {
    this.endpoints = new EndpointServer(nc, options, log, metrics);
    this.consumers = new EventConsumers(nc, dataSource, options, log, metrics);
    this.relay = new OutboxRelay(dataSource, jetstream(nc), { ...options.outbox, lingerMs: options.eventLingerMs }, log, metrics);
    this.deadLetters = new DeadLetters(nc, options.service, this.consumers);
    const operations = operationsOf(options.service);
    this.serve(operations.deadLetter.list, (request) => this.deadLetters.list(request));
    this.serve(operations.deadLetter.replay, (request) => this.deadLetters.replay(request));
    metrics.onScrape(() => this.scrapeQueues(metrics, dataSource));
  }

  /** Queue depths for operators: each consumer's pending, ack-pending and redelivered counts, the dead letters and the outbox backlog. */
  private async scrapeQueues(metrics: ServiceMetrics, dataSource: DataSource): Promise<void> {
    const jsm = await this.manager();
    // Each gauge on its own: a consumer not created yet (its source has not run) must not hide the others.
    const scrapes = this.consumers.sources.map(async (source) => {
      const stream = streamNameOf(source);
      const info = await jsm.consumers.info(stream, this.options.service);
      const labels = { stream, consumer: this.options.service };
      metrics.consumerPending.set(labels, info.num_pending);
      metrics.consumerAckPending.set(labels, info.num_ack_pending);
      metrics.consumerRedelivered.set(labels, info.num_redelivered);
    });
    scrapes.push(
      jsm.streams.info(deadLetterStreamOf(this.options.service)).then(({ state }) => {
        metrics.deadLetters.set({ stream: deadLetterStreamOf(this.options.service) }, state.messages);
      }),
    );
    scrapes.push(
      dataSource.query('SELECT count(*)::int AS pending FROM outbox WHERE sent_at IS NULL').then(([{ pending }]: { pending: number }[]) => {
        metrics.outboxPending.set(pending);
      }),
    );
    for (const result of await Promise.allSettled(scrapes)) {
      if (result.status === 'rejected') this.log.debug({ err: result.reason }, 'a queue gauge could not be read for this scrape');
    }
  }

  private jsm?: Promise<JetStreamManager>;

  /** One JetStream manager for start-up and every scrape: making one asks the server for the account's JetStream info. */
  private manager(): Promise<JetStreamManager> {
    return (this.jsm ??= jetstreamManager(this.nc).catch((err: unknown) => {
      this.jsm = undefined;
      throw err;
    }));
  }

  /** Serves an endpoint with a function; decorated methods are found without this. */
  serve<Request extends object, Reply>(
    endpoint: EndpointDefinition<Request, Reply>,
    handler: (request: Request, context: Parameters<EndpointHandler>[1]) => Promise<Reply>,
  ): void {
    this.endpoints.add(endpoint as EndpointDefinition<object, unknown>, handler as EndpointHandler);
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await this.manager();
    await ensureServiceStreams(jsm, this.options.service, this.options.streamReplicas);
    await ensureDepartmentConsumers(jsm, this.options.service, this.options.departments, this.options.retry, this.log);
    this.discoverHandlers();
    if (this.options.roles.includes('requests')) await this.endpoints.start();
    if (runsEvents(this.options)) {
      await this.consumers.start();
      await this.relay.start();
    }
    this.log.info(
      { roles: this.options.roles, subjects: runsEvents(this.options) ? this.consumers.sources.map((s) => `gov.evt.${s}.>`) : [] },
      `${this.options.service} (${this.options.roles.join(', ')}) on NATS ${this.options.natsUrl}`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.endpoints.stop();
    await this.consumers.stop();
    await this.relay.stop();
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  private discoverHandlers(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method] as (...args: unknown[]) => Promise<unknown>;
        const endpoint = this.reflector.get<EndpointDefinition<object, unknown> | undefined>(ENDPOINT_METADATA, fn);
        if (endpoint) this.endpoints.add(endpoint, fn.bind(instance) as EndpointHandler);
        const event = this.reflector.get<EventDefinition<object> | undefined>(EVENT_HANDLER_METADATA, fn);
        if (event) this.consumers.register(event, fn.bind(instance) as EventHandler);
      }
    }
  }
}

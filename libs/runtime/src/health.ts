import { Controller, Get, Header, HttpStatus, Inject, Injectable, Res, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import { operationsOf, type DependencyHealth, type HealthCheckReply } from '@gridwork/contracts';
import { Messaging, NATS_CONNECTION } from '@gridwork/messaging';
import { INSTANCE_ID, ServiceMetrics } from '@gridwork/observability';

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);

/** Readiness: the service can reach its database and NATS. Answered over HTTP and over NATS. */
@Injectable()
export class HealthService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly messaging: Messaging,
    private readonly metrics: ServiceMetrics,
  ) {}

  onModuleInit(): void {
    this.messaging.serve(operationsOf(this.messaging.options.service).health.check, () => this.check());
    // Readiness as series, so an alert sees a dependency outage from each service's side even while Kubernetes holds its traffic back.
    this.metrics.onScrape(async () => {
      const report = await this.check();
      for (const dependency of report.dependencies) this.metrics.dependencyUp.set({ dependency: dependency.name }, dependency.status === 'up' ? 1 : 0);
      this.metrics.ready.set(report.status === 'up' ? 1 : 0);
    });
  }

  async check(): Promise<HealthCheckReply> {
    const probe = async (name: string, fn: () => Promise<unknown>): Promise<DependencyHealth> => {
      try {
        await withTimeout(fn(), 2_000);
        return { name, status: 'up' };
      } catch (err) {
        return { name, status: 'down', error: (err as Error).message };
      }
    };
    const dependencies = await Promise.all([
      probe('postgresql', () => this.dataSource.query('SELECT 1')),
      probe('nats', () => (this.nc.isClosed() ? Promise.reject(new Error('connection closed')) : this.nc.flush())),
    ]);
    return {
      service: this.messaging.options.service,
      instance: INSTANCE_ID,
      version: this.messaging.options.version,
      status: dependencies.every((d) => d.status === 'up') ? 'up' : 'down',
      dependencies,
    };
  }
}

interface Reply {
  status(code: number): Reply;
  json(body: unknown): void;
}

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** Liveness: the process answers. Restarting it would not help a dependency outage. */
  @Get('health/live')
  live() {
    return { status: 'up' };
  }

  @Get('health/ready')
  async ready(@Res() res: Reply) {
    const report = await this.health.check();
    res.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText() {
    return this.metrics.registry.metrics();
  }
}

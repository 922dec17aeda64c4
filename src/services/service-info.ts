import { createRequire } from 'node:module';
import type { InstanceRecord, InstanceRegistry } from '../store/instance-registry.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface ServiceInfoView {
  version: string;
  backend: 'sqlite' | 'redis';
  instanceId: string;
  instances: InstanceRecord[];
}

/** What `serviceInfo` answers: this service's version, where its state lives, who shares it. */
export class ServiceInfoService {
  constructor(
    private readonly registry: InstanceRegistry,
    readonly instanceId: string,
  ) {}

  async info(): Promise<ServiceInfoView> {
    return { version, backend: this.registry.backend, instanceId: this.instanceId, instances: await this.registry.list() };
  }
}

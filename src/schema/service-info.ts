import { builder } from './builder.js';
import type { InstanceRecord } from '../store/instance-registry.js';
import type { ServiceInfoView } from '../services/service-info.js';

const InstanceRef = builder.objectRef<InstanceRecord>('Instance').implement({
  description: 'One running process of the service.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'INSTANCE_ID, or a default unique per process.' }),
    runsQueue: t.exposeBoolean('runsQueue', {
      description: 'True for the one instance that runs the queue (downloads, scans) at this moment.',
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime', description: 'Last heartbeat this instance wrote.' }),
  }),
});

const ServiceInfoRef = builder.objectRef<ServiceInfoView>('ServiceInfo').implement({
  fields: (t) => ({
    version: t.exposeString('version'),
    backend: t.exposeString('backend', { description: 'Where the state lives: sqlite (the embedded default) or redis.' }),
    instanceId: t.exposeID('instanceId', { description: 'The instance that answered.' }),
    instances: t.expose('instances', {
      type: [InstanceRef],
      description: 'Every live instance sharing this state (only this one with sqlite).',
    }),
  }),
});

builder.queryFields((t) => ({
  serviceInfo: t.field({
    type: ServiceInfoRef,
    description: 'This service: version, backend, and the instances sharing its state.',
    resolve: (_root, _args, ctx) => ctx.serviceInfo.info(),
  }),
}));

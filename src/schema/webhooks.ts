import { builder } from './builder.js';
import { ProgressStatusEnum, ProgressTypeEnum } from './progress.js';
import type { DeliveryRecord } from '../store/webhook-store.js';
import type { WebhookView } from '../services/webhook-service.js';

const WebhookDeliveryRef = builder.objectRef<DeliveryRecord>('WebhookDelivery').implement({
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Cursor of the event delivered.' }),
    httpStatus: t.exposeInt('httpStatus', { nullable: true, description: 'HTTP status of the last attempt; null when it got no answer.' }),
    ok: t.exposeBoolean('ok'),
    attempts: t.exposeInt('attempts'),
    at: t.expose('at', { type: 'DateTime' }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const WebhookRef = builder.objectRef<WebhookView>('Webhook').implement({
  description: 'An HTTP endpoint that receives matching progress events as POST requests.',
  fields: (t) => ({
    id: t.exposeID('id'),
    url: t.exposeString('url'),
    types: t.expose('types', { type: [ProgressTypeEnum], nullable: true, description: 'Types it receives; null for all.' }),
    statuses: t.expose('statuses', {
      type: [ProgressStatusEnum],
      description: 'Statuses it receives; by default COMPLETED, FAILED and CANCELLED.',
    }),
    signed: t.exposeBoolean('signed', { description: 'Whether deliveries are signed (the secret itself is never shown).' }),
    pending: t.exposeInt('pending', { description: 'Events waiting to be delivered to it.' }),
    lastDelivery: t.expose('lastDelivery', { type: WebhookDeliveryRef, nullable: true }),
  }),
});

builder.queryFields((t) => ({
  webhooks: t.field({ type: [WebhookRef], resolve: (_root, _args, ctx) => ctx.webhooks.list() }),
}));

builder.mutationFields((t) => ({
  addWebhook: t.field({
    type: WebhookRef,
    description: 'Register an http(s) endpoint; from now on each matching event is POSTed to it (signed when a secret is given).',
    args: {
      url: t.arg.string({ required: true }),
      types: t.arg({ type: [ProgressTypeEnum], required: false }),
      statuses: t.arg({ type: [ProgressStatusEnum], required: false }),
      secret: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) => ctx.webhooks.add(args),
  }),
  removeWebhook: t.boolean({
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.webhooks.remove(String(id)),
  }),
  testWebhook: t.field({
    type: WebhookDeliveryRef,
    description: 'Send a test event now; returns how it went.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.webhooks.test(String(id)),
  }),
}));

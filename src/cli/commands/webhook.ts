/** webhook add | list | remove | test */
import type { WebhookDeliveryFieldsFragment } from '../../client/generated/graphql.js';
import { AddWebhookDocument, RemoveWebhookDocument, TestWebhookDocument, WebhooksDocument } from '../../client/operations.js';
import { PROGRESS_STATUSES, PROGRESS_TYPES, expectPositionals, parseEnumList, type Command } from '../command.js';
import { OperationFailedError, UsageError } from '../errors.js';
import { formatTime, table } from '../format.js';

const deliveryText = (d: WebhookDeliveryFieldsFragment) =>
  `${d.ok ? 'ok' : 'failed'} ${d.httpStatus === null ? '(no answer)' : `HTTP ${d.httpStatus}`} · event ${d.cursor} · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'} · ${formatTime(d.at)}${d.error ? ` · ${d.error}` : ''}`;

export const webhookAdd: Command = {
  name: 'webhook add',
  usage: 'webhook add <url> [--type TYPE…] [--status STATUS…] [--secret SECRET]',
  summary: 'POST matching events to an http(s) URL (default: COMPLETED, FAILED, CANCELLED of every type), signed with the secret',
  options: ['type', 'status', 'secret'],
  async run(ctx, args) {
    const [url] = expectPositionals(args, ['url'], this.name);
    const types = parseEnumList(args.values.type, PROGRESS_TYPES, 'type', this.name);
    const statuses = parseEnumList(args.values.status, PROGRESS_STATUSES, 'status', this.name);
    const secret = args.values.secret as string | undefined;
    if (secret !== undefined && secret === '') throw new UsageError('--secret needs a value', this.name);
    const { addWebhook: w } = await ctx.client.request(AddWebhookDocument, { url: url!, types, statuses, secret });
    if (ctx.json) return ctx.printJson(w);
    ctx.print(`Added webhook ${w.id} → ${w.url} (${w.types?.join(', ') ?? 'all types'}; ${w.statuses.join(', ')}${w.signed ? '; signed' : ''})`);
  },
};

export const webhookList: Command = {
  name: 'webhook list',
  usage: 'webhook list',
  summary: 'the webhooks, what waits for each and how the last delivery went',
  options: [],
  async run(ctx, args) {
    expectPositionals(args, [], this.name);
    const { webhooks } = await ctx.client.request(WebhooksDocument);
    if (ctx.json) return ctx.printJson(webhooks);
    if (webhooks.length === 0) return ctx.print('No webhooks.');
    ctx.print(table(webhooks, [
      { header: 'ID', value: (w) => w.id },
      { header: 'URL', value: (w) => w.url, max: 50 },
      { header: 'TYPES', value: (w) => w.types?.join(',') ?? 'all' },
      { header: 'STATUSES', value: (w) => w.statuses.join(',') },
      { header: 'SIGNED', value: (w) => (w.signed ? 'yes' : 'no') },
      { header: 'PENDING', value: (w) => String(w.pending), right: true },
      { header: 'LAST DELIVERY', value: (w) => (w.lastDelivery ? deliveryText(w.lastDelivery) : '-'), max: 80 },
    ]));
  },
};

export const webhookRemove: Command = {
  name: 'webhook remove',
  usage: 'webhook remove <id>',
  summary: 'remove a webhook (and the deliveries waiting for it)',
  options: [],
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], this.name);
    const { removeWebhook } = await ctx.client.request(RemoveWebhookDocument, { id: id! });
    if (ctx.json) ctx.printJson({ removed: removeWebhook });
    if (!removeWebhook) throw new OperationFailedError(`no webhook with id ${id}`);
    if (!ctx.json) ctx.print(`Removed webhook ${id}`);
  },
};

export const webhookTest: Command = {
  name: 'webhook test',
  usage: 'webhook test <id>',
  summary: 'send a test event now and say how it went',
  options: [],
  async run(ctx, args) {
    const [id] = expectPositionals(args, ['id'], this.name);
    const { testWebhook } = await ctx.client.request(TestWebhookDocument, { id: id! });
    if (ctx.json) ctx.printJson(testWebhook);
    if (!testWebhook.ok) throw new OperationFailedError(`test delivery failed: ${deliveryText(testWebhook)}`);
    if (!ctx.json) ctx.print(`Test delivery ${deliveryText(testWebhook)}`);
  },
};

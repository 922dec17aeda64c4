import { builder } from './builder.js';
import type { Settings } from '../services/settings-service.js';

const SettingsRef = builder.objectRef<Settings>('Settings').implement({
  description: "Settings a user changes while the service runs; kept across restarts, over the environment's defaults.",
  fields: (t) => ({
    speedLimit: t.exposeFloat('speedLimit', { nullable: true, description: 'Cap on all downloads together, bytes per second; null for none.' }),
    autoScanInterval: t.exposeInt('autoScanInterval', { description: 'Seconds between scheduled scans; 0 for none.' }),
    downloadConcurrency: t.exposeInt('downloadConcurrency', { description: 'Downloads run at once, 1 to 32.' }),
  }),
});

const SettingsInput = builder.inputType('SettingsInput', {
  description: 'A change of settings: an omitted field stays as it is.',
  fields: (t) => ({
    speedLimit: t.float({ required: false, description: 'null removes the cap.' }),
    autoScanInterval: t.int({ required: false, description: "Seconds, 0 for none; null goes back to AUTO_SCAN_INTERVAL." }),
    downloadConcurrency: t.int({ required: false, description: '1 to 32; null goes back to DOWNLOAD_CONCURRENCY.' }),
  }),
});

builder.queryFields((t) => ({
  settings: t.field({ type: SettingsRef, resolve: (_root, _args, ctx) => ctx.settings.current() }),
}));

builder.mutationFields((t) => ({
  updateSettings: t.field({
    type: SettingsRef,
    description: 'Change settings; checked all together, applied at once (a speed limit within a second) and kept across restarts.',
    args: { input: t.arg({ type: SettingsInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.settings.update(input),
  }),
}));

#!/usr/bin/env node
// The `anime-progress` command (package.json "bin"): loads tsx so the TypeScript CLI runs
// from a checkout without a build step, then hands over to main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Where `npm run build:dashboard` writes the page; git-ignored, served by src/server/dashboard.ts. */
export const DASHBOARD_OUT_DIR = fileURLToPath(new URL('./dist/', import.meta.url));

/**
 * Builds the dashboard (served at `/`) from src/dashboard/. Preact's JSX goes through
 * esbuild (tsconfig.json's jsxImportSource), so no framework plugin is needed.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: DASHBOARD_OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    // The page runs only in current browsers; no polyfill is injected, nothing inline.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});

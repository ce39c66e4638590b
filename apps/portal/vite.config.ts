import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/** React without @vitejs/plugin-react: the automatic JSX runtime via Vite's built-in transform. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true },
  server: { fs: { allow: ['../..'] } },
});

// The console is served by the API under /console (api/routes/console.ts), so every asset URL starts there.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  // `npm run dev` in console/: the API (npm start) answers /v1 and /static.
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/static': 'http://127.0.0.1:3000' } },
});

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is static: the engine runs in a Web Worker (ES module worker).
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 2000 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: false },
});

import { constants } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { compression, defineAlgorithm } from "vite-plugin-compression2";

// The console is built into web/dist and served by the Fastify server at `/`. In development the
// Vite server proxies the server's routes so cookies and CSRF behave exactly as in production.
const backend = "http://127.0.0.1:3000";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    react(),
    // Compressed once at build time, at the highest levels, instead of on every request: the server
    // sends the .br or .gz twin the browser accepts (src/http/console-assets.ts).
    compression({
      include: /\.(html|js|css|svg|json)$/,
      threshold: 0,
      algorithms: [
        defineAlgorithm("brotliCompress", { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        defineAlgorithm("gzip", { level: 9 }),
      ],
      logLevel: "silent",
    }),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // React and its routing and data libraries change less often than the console: a separate file
        // stays cached across releases. Mantine is left to Rollup, so each component travels with the
        // pages and dialogs that use it and the sign-in page loads only what it shows.
        manualChunks: {
          react: ["react", "react-dom", "react-dom/client", "react-router", "@tanstack/react-query"],
        },
      },
    },
  },
  server: {
    proxy: {
      "/console/api": backend,
      "/api": backend,
      "/docs": backend,
    },
  },
});

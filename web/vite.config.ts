import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The console is built into web/dist and served by the Fastify server at `/`. In development the
// Vite server proxies the server's routes so cookies and CSRF behave exactly as in production.
const backend = "http://127.0.0.1:3000";

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the console: separate files stay cached across releases.
        manualChunks: {
          react: ["react", "react-dom", "react-router", "@tanstack/react-query"],
          mantine: ["@mantine/core", "@mantine/hooks", "@mantine/notifications"],
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

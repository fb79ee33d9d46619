import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Django runs on :8000 during development; everything it owns is proxied so
// the browser sees a single origin (cookies + CSRF work as in production).
const DJANGO = "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  plugins: [react()],
  server: {
    proxy: {
      "/api": { target: DJANGO },
      "/healthz": { target: DJANGO },
      "/media": { target: DJANGO },
    },
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});

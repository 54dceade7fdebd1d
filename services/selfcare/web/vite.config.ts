import { defineConfig } from "vite";

// The settings (API URLs, brand, language) are not built in: public/config.json is read by the
// browser at start, and the server in front of dist/ may answer /config.json with its own.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});

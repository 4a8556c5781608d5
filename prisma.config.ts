import { defineConfig } from 'prisma/config';

// Used by `prisma generate` only (through prisma/tools/generate.ts). Migrations run through the WebAssembly
// schema engine in prisma/tools, because the CLI's native engine cannot be downloaded on offline machines.
export default defineConfig({
  schema: 'prisma/schema',
});

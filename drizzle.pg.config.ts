import { defineConfig } from "drizzle-kit";

/** The PostgreSQL migrations, from the PostgreSQL mirror of the schema. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./hub/db/pg/schema.ts",
  out: "./migrations/postgres",
});

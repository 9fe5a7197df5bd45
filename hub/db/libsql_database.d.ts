/**
 * The one thing the statement cache needs of the `libsql` driver: its
 * `Database` class, to patch `prepare` and `close`. The package's own types
 * reference `@types/node`, which would replace Deno's Node types for the
 * whole program.
 */
declare const Database: { prototype: object };
export default Database;

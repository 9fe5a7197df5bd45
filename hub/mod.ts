/**
 * The hub's public entry: what scripts, benchmarks, tests and the CLI's
 * `drover hub` use to run a hub. Everything else under hub/ is internal.
 *
 * @module
 */
export { type HubStats, type RunningHub, startHub, type StartHubOptions } from "./server.ts";
export { type HubConfig, hubConfigOrExit, loadHubConfig } from "./config.ts";
export { runHubProcess } from "./main.ts";
export { ListenError } from "./listen_error.ts";

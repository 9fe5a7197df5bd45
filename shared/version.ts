/** Drover's version: the worker reports it, the hub's API description carries it. */
export const VERSION = "0.1.0";

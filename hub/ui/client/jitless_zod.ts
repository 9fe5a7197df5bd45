/// <reference lib="dom" />
/**
 * zod compiles object parsers with `new Function` unless configured not to,
 * and decides so when each schema is built, i.e. when the module declaring
 * it is evaluated. The UI's Content-Security-Policy forbids eval (and
 * reports every attempt), so browser code must set `jitless` before any
 * schema module runs: import this module FIRST in every client entry (the
 * one deliberate side effect at import time in the client).
 */
import { z } from "zod";

z.config({ jitless: true });

/** Whether zod parses without `new Function` (always true once this module ran). */
export const ZOD_JITLESS = true;

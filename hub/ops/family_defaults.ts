import type { FamilyOptions } from "../../shared/family_options.ts";

/** What the hub stores on a task from its family's registry entry. */
export interface FamilyDefaults {
  pin: string;
  priority: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  hasRun: boolean | null;
  options: FamilyOptions;
}

/** Defaults for a family no worker has advertised yet. */
export const UNKNOWN_FAMILY: FamilyDefaults = {
  pin: "",
  priority: 0,
  maxAttempts: 3,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
  hasRun: null,
  options: { resources: {}, maxDynamicRounds: 20 },
};

/** Looks up a family's defaults by name and version. */
export type FamilyLookup = (name: string, version: number) => FamilyDefaults | undefined;

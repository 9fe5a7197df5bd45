/** What a hub counts in memory, for benchmarks and the chaos suite (no route shows it). */

/** Counters since the hub started. */
export interface HubCounters {
  grants: number;
  renewalsRefused: number;
  leasesExpired: number;
  completionsAccepted: number;
  completionsStale: number;
  duplicateCompletions: number;
  failures: number;
}

/** All counters at zero. */
export function newCounters(): HubCounters {
  return {
    grants: 0,
    renewalsRefused: 0,
    leasesExpired: 0,
    completionsAccepted: 0,
    completionsStale: 0,
    duplicateCompletions: 0,
    failures: 0,
  };
}

/** Query strings of the admin API's list endpoints. */

/** `?a=1&b=x` from those of `keys` that are set in `filter`, or `""`. */
export function query<F extends object>(filter: F, keys: readonly (keyof F & string)[]): string {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = filter[key];
    if (value !== null && value !== undefined) params.set(key, String(value));
  }
  return params.size > 0 ? `?${params}` : "";
}

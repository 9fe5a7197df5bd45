/**
 * Removes a test's temporary directory. A hub or worker the test has not
 * stopped yet (its `await using` ends after this) may create a file in it
 * meanwhile (a hub's dispatch tick writes its database every 500 ms), which
 * makes a recursive remove fail with "Directory not empty": that is tried
 * again, at most 50 times.
 */
export async function removeTree(dir: string): Promise<void> {
  for (let attempt = 1;; attempt++) {
    try {
      await Deno.remove(dir, { recursive: true });
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      const notEmpty = /Directory not empty|os error 39/.test(String(error));
      if (!notEmpty || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

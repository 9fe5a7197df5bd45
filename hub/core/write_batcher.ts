/**
 * Calls of one kind (completions) gathered into one write: every call made
 * before the write queue reaches the operation joins it, so a busy hub
 * applies a whole burst with a few set-based statements and a quiet one
 * waits for nothing. Each caller gets its own answer or error.
 */
import type { Tx } from "../db/client.ts";
import type { WriteQueue } from "../db/write_queue.ts";

/** One call's answer: its result, or the error that is its alone. */
export type Outcome<R> = { ok: true; result: R } | { ok: false; error: unknown };

interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** Gathers items into one write operation at a time. */
export class WriteBatcher<I, R> {
  readonly #queue: WriteQueue;
  readonly #apply: (tx: Tx, items: I[]) => Promise<Outcome<R>[]>;
  #waiting: Waiting<I, R>[] = [];

  constructor(queue: WriteQueue, apply: (tx: Tx, items: I[]) => Promise<Outcome<R>[]>) {
    this.#queue = queue;
    this.#apply = apply;
  }

  /** Applies `item` with the others gathered; settles after the commit. */
  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#waiting.length === 1) this.#schedule();
    });
  }

  #schedule(): void {
    let taken: Waiting<I, R>[] | null = null;
    const take = () => {
      taken ??= this.#waiting.splice(0);
      return taken;
    };
    this.#queue.write((tx) => this.#apply(tx, take().map((w) => w.item))).then(
      (outcomes) => {
        take().forEach((w, i) => {
          const o = outcomes[i]!;
          if (o.ok) w.resolve(o.result);
          else w.reject(o.error);
        });
      },
      (error) => {
        for (const w of take()) w.reject(error);
      },
    );
  }
}

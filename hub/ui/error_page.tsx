/** What an error page says: the status, the message, and a way back. */
import type { FC } from "hono/jsx";

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Not allowed",
  404: "Not found",
  500: "Something went wrong",
};

/** The body of an error page. */
export const ErrorBody: FC<{ status: number; message: string }> = ({ status, message }) => (
  <section class="error-page">
    <p class="error-status">{status}</p>
    <h1>{TITLES[status] ?? "Error"}</h1>
    <p>{message}</p>
    <p>
      <a href="/ui/runs">Back to runs</a>
    </p>
  </section>
);

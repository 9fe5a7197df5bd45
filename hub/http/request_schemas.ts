/** Request bodies shared by several routes. */
import { z } from "zod";

/** The body of cancel and pause: an optional reason, kept in the audit log. */
export const optionalReasonSchema = z.strictObject({
  reason: z.string().min(1).max(500).optional().describe("Why; kept in the audit log"),
});

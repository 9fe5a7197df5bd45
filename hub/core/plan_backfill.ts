/**
 * Planning a backfill: which parameter takes each date, every day of the
 * range, and each day's params and task id validated as a submission would
 * be. A 400 naming the field at fault otherwise.
 */
import type { BackfillDay } from "../db/backfill_days.ts";
import { chooseDateParam } from "./date_param.ts";
import { dateRange } from "./date_range.ts";
import type { FamilyRegistry, RegisteredFamily } from "./family_registry.ts";
import { RequestError } from "./request_error.ts";

/** What a backfill request asks for. */
export interface BackfillRequest {
  from: string;
  to: string;
  /** The parameter that takes each date; default the family's only date parameter. */
  param?: string;
  /** The other parameters, the same every day. */
  params: Record<string, unknown>;
}

/** The backfill's date parameter and its days. */
export function planBackfill(
  registry: FamilyRegistry,
  family: RegisteredFamily,
  request: BackfillRequest,
): { param: string; days: BackfillDay[] } {
  let param: string;
  let dates: string[];
  try {
    param = chooseDateParam(family.name, family.paramsSchema, request.param);
  } catch (error) {
    throw new RequestError(400, "invalid_param", (error as Error).message, { field: "param" });
  }
  if (Object.hasOwn(request.params, param)) {
    throw new RequestError(
      400,
      "invalid_params",
      `Parameter "${param}" takes each date of the backfill; leave it out of params`,
      { field: `params.${param}` },
    );
  }
  try {
    dates = dateRange(request.from, request.to);
  } catch (error) {
    const field = request.from > request.to ? "to" : "from";
    throw new RequestError(400, "invalid_range", (error as Error).message, { field });
  }
  const days = dates.map((date): BackfillDay => {
    try {
      const parsed = registry.parseSubmission(family, { ...request.params, [param]: date });
      return { date, taskId: parsed.id, params: parsed.params };
    } catch (error) {
      const e = error as Error & { field?: string | null };
      throw new RequestError(400, "invalid_params", `${e.message} (for ${param} ${date})`, {
        field: e.field ?? "params",
      });
    }
  });
  return { param, days };
}

/** The UI's pages in the top navigation, and which roles may read each. */
import type { TokenRole } from "../../shared/api_schemas_admin.ts";
import { AUDIT, READ } from "../http/roles.ts";

/** A page in the navigation. */
export interface NavItem {
  key: string;
  href: string;
  label: string;
  allow: readonly TokenRole[];
}

/** The top navigation, in order. */
export const NAV: readonly NavItem[] = [
  { key: "runs", href: "/ui/runs", label: "Runs", allow: READ },
  { key: "queue", href: "/ui/queue", label: "Queue", allow: READ },
  { key: "workers", href: "/ui/workers", label: "Workers", allow: READ },
  { key: "families", href: "/ui/families", label: "Families", allow: READ },
  { key: "backfills", href: "/ui/backfills", label: "Backfills", allow: READ },
  { key: "schedules", href: "/ui/schedules", label: "Schedules", allow: READ },
  { key: "audit", href: "/ui/audit", label: "Audit", allow: AUDIT },
  { key: "tokens", href: "/ui/tokens", label: "Tokens", allow: READ },
];

/** The pages `role` may read. */
export function navFor(role: TokenRole): NavItem[] {
  return NAV.filter((item) => item.allow.includes(role));
}

/** A worker's first frame, checked: a hello, in a protocol this hub speaks, that its token allows. */
import { formatIssues } from "../../shared/format_issues.ts";
import {
  CLOSE,
  type HelloFrame,
  SUPPORTED_PROTOCOL_VERSIONS,
  workerFrameSchema,
} from "../../shared/protocol.ts";
import { scopeViolation } from "../core/scope_violation.ts";
import type { Refusal } from "./read_frame.ts";
import type { SessionAuth } from "./worker_session.ts";

/**
 * The first frame as a valid hello the connection may send, or the refusal
 * (null: the connection is already being refused for its token).
 */
export function checkHello(
  json: unknown,
  auth: SessionAuth | undefined,
): { hello: HelloFrame } | { refusal: Refusal | null } {
  const type = (json as { type?: unknown })?.type;
  if (type !== "hello") {
    return {
      refusal: {
        code: "hello_expected",
        message: `the first frame must be "hello", not ${JSON.stringify(type)}`,
        close: CLOSE.protocolError,
      },
    };
  }
  const protocol = (json as { protocol?: unknown }).protocol;
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(protocol as number)) {
    return {
      refusal: {
        code: "unsupported_protocol",
        message: `hub speaks protocol ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}; worker sent ${
          JSON.stringify(protocol)
        }`,
        close: CLOSE.protocolError,
      },
    };
  }
  const parsed = workerFrameSchema.safeParse(json);
  if (!parsed.success || parsed.data.type !== "hello") {
    return {
      refusal: {
        code: "bad_hello",
        message: `Invalid hello: ${
          parsed.success ? "wrong type" : formatIssues(parsed.error.issues)
        }`,
        close: CLOSE.protocolError,
      },
    };
  }
  if (auth?.refusal) return { refusal: null };
  const violation = auth?.token ? scopeViolation(auth.token.scope, parsed.data.labels) : null;
  if (violation) {
    return {
      refusal: { code: "scope_violation", message: `Refused: ${violation}`, close: CLOSE.policy },
    };
  }
  return { hello: parsed.data };
}

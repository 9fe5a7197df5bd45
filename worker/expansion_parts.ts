/**
 * A big expansion goes to the hub in parts, each well under the frame limit
 * and applied by the hub in its own short transaction. Nodes are ordered
 * requirements first, so every part names only tasks of its own or of an
 * earlier part; the root's own node comes last, in the last part.
 */
import type { ExpandNode } from "../shared/protocol.ts";

/**
 * Most nodes in one part: applying 2,000 took the hub about 250 ms, in one
 * transaction, during which nothing else it does can run; on a database of
 * a million tasks a part of 500 still held it 35–45 ms, and the API's
 * answers behind back-to-back parts took up to 70 ms (250: under 40).
 */
export const PART_NODES = 250;
/** Most bytes of nodes in one part (the hub refuses frames over 8 MiB). */
export const PART_BYTES = 1024 * 1024;

/** `nodes` in parts of at most `maxNodes` nodes and about `maxBytes` bytes; one part if it fits. */
export function expansionParts(
  nodes: readonly ExpandNode[],
  maxNodes = PART_NODES,
  maxBytes = PART_BYTES,
): ExpandNode[][] {
  const sizes = nodes.map((n) => utf8Bytes(JSON.stringify(n)) + 1);
  if (nodes.length <= maxNodes && sizes.reduce((a, b) => a + b, 0) <= maxBytes) {
    return [[...nodes]];
  }
  const ordered = requirementsFirst(nodes);
  const size = new Map(nodes.map((n, i) => [n.id, sizes[i]!]));
  const parts: ExpandNode[][] = [];
  let part: ExpandNode[] = [];
  let bytes = 0;
  for (const node of ordered) {
    const b = size.get(node.id)!;
    if (part.length > 0 && (part.length >= maxNodes || bytes + b > maxBytes)) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(node);
    bytes += b;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * The nodes in an order where each comes after the nodes it requires
 * (depth first, iterative: a chain of 100,000 does not overflow the stack);
 * the first node (the root) last, as nothing among them requires it.
 */
export function requirementsFirst(nodes: readonly ExpandNode[]): ExpandNode[] {
  const byId = new Map<string, ExpandNode>();
  for (const n of nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  const out: ExpandNode[] = [];
  const visited = new Set<string>();
  for (const start of byId.keys()) {
    if (visited.has(start)) continue;
    visited.add(start);
    const stack: Array<{ node: ExpandNode; next: number }> = [{ node: byId.get(start)!, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const dep = top.node.deps[top.next++];
      if (dep === undefined) {
        out.push(top.node);
        stack.pop();
      } else if (!visited.has(dep) && byId.has(dep)) {
        visited.add(dep);
        stack.push({ node: byId.get(dep)!, next: 0 });
      }
    }
  }
  return out;
}

const encoder = new TextEncoder();

function utf8Bytes(text: string): number {
  // Most text is ASCII: count exactly only when it may not be.
  return /[\u0080-\uffff]/.test(text) ? encoder.encode(text).length : text.length;
}

import { isIPv4, isIPv6 } from "node:net";
import * as z from "zod";
import { invalidField } from "../../errors.js";

export const maxAllowlistEntries = 100;

export const allowedIpsInputSchema = z
  .array(z.string().trim().max(64))
  .max(maxAllowlistEntries, `allowedIps: at most ${maxAllowlistEntries} entries.`)
  .nullable()
  .optional()
  .describe(
    `IPv4/IPv6 addresses and CIDR ranges (e.g. 203.0.113.7, 10.0.0.0/8) the key may be used from, at most ${maxAllowlistEntries}; null or [] for any address.`,
  );

/** An address as 8 16-bit groups (IPv4 as ::ffff:a.b.c.d), or undefined when it is not one. */
function parseAddress(text: string): number[] | undefined {
  if (isIPv4(text)) return [0, 0, 0, 0, 0, 0xffff, ...v4Groups(text)];
  if (!isIPv6(text)) return undefined;
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => {
    if (part === "") return [];
    const pieces = part.split(":");
    const last = pieces.at(-1) ?? "";
    if (isIPv4(last)) return [...pieces.slice(0, -1).map((p) => Number.parseInt(p, 16)), ...v4Groups(last)];
    return pieces.map((p) => Number.parseInt(p, 16));
  };
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const zeros = new Array(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}

function v4Groups(text: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = text.split(".").map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

interface Range {
  groups: number[];
  /** Prefix length over the 128-bit form (IPv4 ranges are offset by 96). */
  bits: number;
}

function isInside(address: number[], range: Range): boolean {
  let remaining = range.bits;
  for (let i = 0; i < 8 && remaining > 0; i++) {
    const take = Math.min(16, remaining);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((address[i] ?? 0) & mask) !== ((range.groups[i] ?? 0) & mask)) return false;
    remaining -= take;
  }
  return true;
}

/**
 * Checks and normalises an allowlist: each entry an address or a CIDR range, named by its position
 * when wrong. A range with host bits set (10.0.0.7/8) is refused with the range it probably means.
 */
export function normalizeAllowlist(entries: string[], field = "allowedIps"): string[] {
  if (entries.length > maxAllowlistEntries) {
    throw invalidField(field, `at most ${maxAllowlistEntries} entries; this list has ${entries.length}.`);
  }
  const normalized = entries.map((entry, index) => normalizeEntry(entry, `${field}[${index}]`));
  return [...new Set(normalized)];
}

function normalizeEntry(entry: string, field: string): string {
  const [address = "", bitsText, extra] = entry.trim().split("/");
  const groups = parseAddress(address);
  const isV4 = isIPv4(address);
  const max = isV4 ? 32 : 128;
  const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (groups === undefined || extra !== undefined || !(bits >= 0 && bits <= max)) {
    throw invalidField(
      field,
      `"${entry}" is not an IP address or a CIDR range (e.g. 203.0.113.7 or 10.0.0.0/8).`,
    );
  }
  const range = { groups, bits: isV4 ? bits + 96 : bits };
  const network = networkOf(range);
  if (bitsText === undefined) return isV4 ? address : formatV6(groups);
  const networkText = isV4 ? formatV4(network) : formatV6(network);
  if (network.some((group, i) => group !== groups[i])) {
    throw invalidField(field, `"${entry}" has host bits set; did you mean ${networkText}/${bits}?`);
  }
  return `${networkText}/${bits}`;
}

function networkOf(range: Range): number[] {
  let remaining = range.bits;
  return range.groups.map((group) => {
    const take = Math.max(0, Math.min(16, remaining));
    remaining -= take;
    return group & ((0xffff << (16 - take)) & 0xffff);
  });
}

function formatV4(groups: number[]): string {
  const [hi = 0, lo = 0] = groups.slice(6);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** RFC 5952: lower case, no leading zeros, and the longest run (the first if tied) of 2+ zero groups as "::". */
function formatV6(groups: number[]): string {
  let run = { start: -1, length: 1 };
  for (let i = 0; i < groups.length; ) {
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > run.length) run = { start: i, length: end - i };
    i = Math.max(end, i + 1);
  }
  const hex = groups.map((group) => group.toString(16));
  if (run.start < 0) return hex.join(":");
  return `${hex.slice(0, run.start).join(":")}::${hex.slice(run.start + run.length).join(":")}`;
}

/** Decides "may this key be used from this address?"; built once per cached key. */
export interface AllowlistMatcher {
  allows(ip: string): boolean;
}

/**
 * Compiles a normalised allowlist. The client's address is parsed once per new address: a client
 * sends from the same address request after request, so the last answer is remembered.
 */
export function compileAllowlist(entries: readonly string[]): AllowlistMatcher {
  const ranges: Range[] = entries.map((entry) => {
    const [address = "", bitsText] = entry.split("/");
    const isV4 = isIPv4(address);
    const bits = bitsText === undefined ? (isV4 ? 32 : 128) : Number(bitsText);
    return { groups: parseAddress(address) ?? [], bits: isV4 ? bits + 96 : bits };
  });
  let lastIp = "";
  let lastAnswer = false;
  return {
    allows(ip) {
      if (ip === lastIp) return lastAnswer;
      const address = parseAddress(ip);
      lastAnswer = address !== undefined && ranges.some((range) => isInside(address, range));
      lastIp = ip;
      return lastAnswer;
    },
  };
}

import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

// Addresses a webhook must never reach unless private deployments allow it: this host, private networks,
// link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved and documentation
// ranges, and their IPv6 counterparts (IPv4-mapped addresses are checked as the IPv4 address they map).
const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
  ["64:ff9b::", 96],
] as const)
  blocked.addSubnet(net, bits, "ipv6");

/** True for an address a webhook may not reach by default. */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return blocked.check(address, "ipv4");
  if (version !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return blocked.check(mapped[1], "ipv4");
  return blocked.check(address, "ipv6");
}

export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request that resolves the host and refuses to connect if any address it
 * resolves to is private: the check and the connection use the same answer, so a DNS name that changes
 * its answer between a check and the connection (DNS rebinding) can't slip through.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const bad = list.find((entry) => isPrivateAddress(entry.address));
      if (!allowPrivate && bad !== undefined) {
        return callback(new BlockedAddressError(`${hostname} resolves to a private address`), []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (first === undefined) return callback(new BlockedAddressError(`${hostname} did not resolve`), []);
      callback(null, first.address, first.family);
    });
  };
}

/** What is wrong with a webhook URL as entered, or undefined when it may be saved. */
export async function problemWithUrl(raw: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be a URL such as https://example.com/webhooks";
  }
  if (url.username !== "" || url.password !== "") return "must not contain a user name or password";
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:"))
    return "must start with https://";
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0)
    return isPrivateAddress(host) ? "must be a public address, not a private one" : undefined;
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal"))
    return "must be a public address, not a private one";
  const addresses = await new Promise<LookupAddress[] | undefined>((resolve) =>
    dnsLookup(host, { all: true }, (error, found) => resolve(error ? undefined : found)),
  );
  if (addresses === undefined || addresses.length === 0) return `${host} could not be resolved`;
  if (addresses.some((entry) => isPrivateAddress(entry.address)))
    return "must be a public address, not a private one";
  return undefined;
}

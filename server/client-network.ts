import { createHmac, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { expandIPv6 } from 'hono/utils/ipaddr';

/**
 * The client's address, for rate limiting only. X-Forwarded-For is trusted only as far as
 * TRUST_PROXY says: with n proxies in front, the n-th entry from the right is the one the
 * outermost proxy saw (entries further left are whatever the client wrote).
 */
export function clientAddress(c: Context, trustProxyHops: number): string {
  if (trustProxyHops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    const candidate = forwarded[forwarded.length - trustProxyHops];
    if (candidate && isIP(candidate)) return candidate;
  }
  return getConnInfo(c).remote.address ?? 'unknown';
}

/**
 * What one client controls: an IPv4 address, or an IPv6 /64 (one customer's usual allocation,
 * so hopping between its 2^64 addresses does not escape the limit).
 */
export function networkOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIP(address) !== 6) return address;
  return `${expandIPv6(address).split(':').slice(0, 4).join(':')}::/64`;
}

/**
 * Salted hashes of networks, with a random salt that lives only in this process's memory and is
 * replaced every `rotateMs`: a raw address is never kept, and an old hash cannot be tied back to
 * an address even by someone holding the service's secrets.
 */
export function createNetworkHasher(rotateMs: number, now: () => number) {
  let salt = randomBytes(32);
  let saltSince = now();
  return (address: string): string => {
    if (now() - saltSince >= rotateMs) {
      salt = randomBytes(32);
      saltSince = now();
    }
    return createHmac('sha256', salt).update(networkOf(address)).digest('base64url').slice(0, 22);
  };
}

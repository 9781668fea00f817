import { createHash, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  username: string;
  password: string;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares without leaking, through timing, how much of a guess was right. */
function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Whether an `Authorization` header carries these credentials (HTTP Basic, RFC 7617). */
export function basicAuthOk(header: string | undefined, expected: Credentials): boolean {
  const m = header ? /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header) : null;
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = same(decoded.slice(0, colon), expected.username);
  const passOk = same(decoded.slice(colon + 1), expected.password);
  return userOk && passOk;
}

export const WWW_AUTHENTICATE = 'Basic realm="argus", charset="UTF-8"';

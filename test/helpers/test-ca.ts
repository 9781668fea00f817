import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway certificate authority (openssl) with a server certificate for 127.0.0.1 and client certificates. */
export class TestCa {
  readonly dir = mkdtempSync(join(tmpdir(), 'argus-ca-'));
  readonly ca = join(this.dir, 'ca.pem');
  private readonly caKey = join(this.dir, 'ca.key');

  constructor() {
    this.ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=argus test CA', '-keyout', this.caKey, '-out', this.ca]);
  }

  private ssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: 'pipe' });
  }

  /** A key and a certificate signed by this CA; `ip` adds a subjectAltName for a server. */
  issue(cn: string, ip?: string): { cert: string; key: string } {
    const key = join(this.dir, `${cn}.key`);
    const csr = join(this.dir, `${cn}.csr`);
    const cert = join(this.dir, `${cn}.pem`);
    const ext = join(this.dir, `${cn}.ext`);
    this.ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', key, '-out', csr]);
    execFileSync('sh', ['-c', `printf '%s\\n' "${ip ? `subjectAltName=IP:${ip}` : 'extendedKeyUsage=clientAuth'}" > '${ext}'`]);
    this.ssl(['x509', '-req', '-in', csr, '-CA', this.ca, '-CAkey', this.caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert]);
    return { cert, key };
  }
}

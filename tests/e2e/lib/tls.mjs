// A self-signed certificate for 127.0.0.1, made with the openssl command (Debian's `openssl`), for
// `tickscope-server serve --tls-cert --tls-key`. Browsers take it with --ignore-certificate-errors.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Writes `cert.pem` and `key.pem` into `dir` (kept when present); returns the server arguments that use them. */
export function selfSignedCert(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(dir, { recursive: true });
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
      { stdio: 'pipe' },
    );
  }
  return ['--tls-cert', cert, '--tls-key', key];
}

/**
 * Throwaway certificates for one bed, made with openssl as smoke.sh makes them: a cluster CA
 * (apiserver serving cert, aggregated servers' serving certs), a front-proxy CA with the
 * `front-proxy-client` cert the aggregator presents to aggregated API servers, and the
 * service-account signing key pair.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly frontProxyCaCert: string;
  readonly frontProxyClientCert: string;
  readonly frontProxyClientKey: string;
  readonly saKey: string;
  readonly saPub: string;
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ecKey(dir: string, name: string): void {
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
}

/** A leaf cert signed by `ca` (file stem), with the given SANs and extended key usage. */
function leaf(dir: string, ca: string, name: string, cn: string, ext: string): void {
  ecKey(dir, name);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
}

function ca(dir: string, name: string, cn: string): void {
  ecKey(dir, name);
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
  ]);
}

export function makePki(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  ca(dir, 'ca', 'hpa-ts-e2e-ca');
  leaf(
    dir,
    'ca',
    'apiserver',
    'kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  ca(dir, 'front-proxy-ca', 'hpa-ts-e2e-front-proxy-ca');
  leaf(dir, 'front-proxy-ca', 'front-proxy-client', 'front-proxy-client', 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  const p = (f: string): string => join(dir, f);
  return {
    dir,
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    apiserverCert: p('apiserver.crt'),
    apiserverKey: p('apiserver.key'),
    frontProxyCaCert: p('front-proxy-ca.crt'),
    frontProxyClientCert: p('front-proxy-client.crt'),
    frontProxyClientKey: p('front-proxy-client.key'),
    saKey: p('sa.key'),
    saPub: p('sa.pub'),
  };
}

/** A serving cert for an aggregated API server reached as `<service>.<namespace>.svc` (and localhost). */
export function servingCert(pki: Pki, name: string, dnsNames: readonly string[]): { cert: string; key: string } {
  const san = ['DNS:localhost', 'IP:127.0.0.1', ...dnsNames.map((d) => `DNS:${d}`)].join(',');
  leaf(pki.dir, 'ca', name, name, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  return { cert: join(pki.dir, `${name}.crt`), key: join(pki.dir, `${name}.key`) };
}

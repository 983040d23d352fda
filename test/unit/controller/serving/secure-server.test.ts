/**
 * The secure port's certificate: the self-signed one (what a client sees), and a given one
 * re-read after rotation — served to the next connection without a restart, the old one kept when
 * the new files are unreadable.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { DelegatedAuth, parseAlwaysAllowPaths } from '../../../../controller/serving/delegated-auth.js';
import { startSecureServer, type SecureListening } from '../../../../controller/serving/secure-server.js';
import { derPositiveInteger, selfSignedCertificate } from '../../../../controller/serving/self-signed.js';

const T0 = Date.UTC(2026, 11, 7, 5, 0, 0);
const paths = parseAlwaysAllowPaths('/healthz');
const auth = new DelegatedAuth({
  tokenCacheTtlMs: 0,
  allowCacheTtlMs: 0,
  denyCacheTtlMs: 0,
  alwaysAllow: paths.ok ? paths.value : { exact: new Set(), prefixes: [] },
  now: () => T0,
});

function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false, agent: false }, (res) => {
        const fp = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        res.resume();
        res.on('end', () => resolve(fp));
      })
      .on('error', reject);
  });
}

let server: SecureListening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the self-signed certificate', () => {
  it('is a valid, self-verifying P-256 certificate for the given names, from 5 minutes before now for a year', () => {
    const pair = selfSignedCertificate(['localhost', '127.0.0.1', '::1', 'hpa-ts-7d9f'], T0);
    const x = new X509Certificate(pair.certPem);
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:hpa-ts-7d9f');
    expect(x.subject).toBe(`CN=localhost@${T0}`);
    expect(x.issuer).toBe(x.subject);
    expect(new Date(x.validFrom).getTime()).toBe(T0 - 5 * 60_000);
    expect(new Date(x.validTo).getTime()).toBe(T0 + 365 * 24 * 3600_000);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(pair.keyPem))).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  });

  it('differs on every start (fresh key and serial)', () => {
    const a = new X509Certificate(selfSignedCertificate(['localhost'], T0).certPem);
    const b = new X509Certificate(selfSignedCertificate(['localhost'], T0).certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.fingerprint256).not.toBe(b.fingerprint256);
  });

  it('encodes its serial as a minimal positive DER INTEGER (a leading 0x00 0x0… made OpenSSL refuse one in 256)', () => {
    const hex = (b: Buffer): string => b.toString('hex');
    expect(hex(derPositiveInteger(Buffer.from([0x00, 0x05, 0xff])))).toBe('020205ff');
    expect(hex(derPositiveInteger(Buffer.from([0x00, 0x00, 0x85])))).toBe('02020085');
    expect(hex(derPositiveInteger(Buffer.from([0x85, 0x01])))).toBe('0203008501');
    expect(hex(derPositiveInteger(Buffer.from([0x00, 0x00])))).toBe('020100');
    expect(hex(derPositiveInteger(Buffer.from([0x7f])))).toBe('02017f');
  });
});

describe('--tls-cert-file rotation', () => {
  it('serves the rotated certificate after a reload, and keeps the old one when the new files are broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpa-ts-rotate-'));
    const tls = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    const write = (p: { certPem: string; keyPem: string }): void => {
      writeFileSync(tls.certFile, p.certPem);
      writeFileSync(tls.keyFile, p.keyPem);
    };
    const first = selfSignedCertificate(['localhost'], T0);
    write(first);
    server = await startSecureServer({
      port: 0,
      host: '127.0.0.1',
      tls,
      auth,
      handler: (_req, res) => res.end('ok'),
      now: () => T0,
      reloadIntervalMs: 0,
    });
    const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;
    expect(await servedFingerprint(server.port)).toBe(fp(first.certPem));
    const second = selfSignedCertificate(['localhost'], T0 + 1000);
    write(second);
    expect(server.reload()).toBeUndefined();
    expect(await servedFingerprint(server.port)).toBe(fp(second.certPem));
    writeFileSync(tls.certFile, 'not a certificate');
    expect(server.reload()).toMatch(/^cannot reload .*tls\.crt/);
    expect(server.certificate()).toBe(second.certPem);
    expect(await servedFingerprint(server.port)).toBe(fp(second.certPem));
  });
});

/** The secure port's flags as `hpa-ts run` reads them: kube-controller-manager's defaults, errors naming the flag. */
import { describe, expect, it } from '@jest/globals';
import { parseFlags } from '../../../app/flags/values.js';
import { runSettings } from '../../../app/settings.js';

function settings(raw: Record<string, string>) {
  const v = parseFlags('run', raw);
  if (!v.ok) return v;
  return runSettings(v.value);
}

describe('--secure-port and its flags', () => {
  it('are off by default (the plain --bind-address port only)', () => {
    const s = settings({});
    expect(s.ok && s.value.secureServing).toBeNull();
  });

  it("take kube-controller-manager's defaults: 10 s caches, /healthz, /readyz and /livez always allowed", () => {
    const s = settings({ securePort: '10257' });
    expect(s.ok && s.value.secureServing).toEqual({
      port: 10257,
      tokenCacheTtlMs: 10_000,
      allowCacheTtlMs: 10_000,
      denyCacheTtlMs: 10_000,
      alwaysAllowPaths: { exact: new Set(['healthz', 'readyz', 'livez']), prefixes: [] },
    });
  });

  it('take a certificate, kubeconfigs, an address and TTLs', () => {
    const s = settings({
      securePort: '8443',
      secureBindAddress: '0.0.0.0',
      tlsCertFile: '/tls/tls.crt',
      tlsPrivateKeyFile: '/tls/tls.key',
      authenticationKubeconfig: '/a.kubeconfig',
      authorizationKubeconfig: '/z.kubeconfig',
      authenticationTokenWebhookCacheTtl: '2m',
      authorizationWebhookCacheAuthorizedTtl: '0',
      authorizationWebhookCacheUnauthorizedTtl: '1s',
    });
    expect(s.ok && s.value.secureServing).toMatchObject({
      port: 8443,
      bindAddress: '0.0.0.0',
      tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' },
      authenticationKubeconfig: '/a.kubeconfig',
      authorizationKubeconfig: '/z.kubeconfig',
      tokenCacheTtlMs: 120_000,
      allowCacheTtlMs: 0,
      denyCacheTtlMs: 1000,
    });
  });

  it('refuse a certificate without its key, a bad path pattern and a port out of range, naming the flag', () => {
    expect(settings({ securePort: '10257', tlsCertFile: '/tls/tls.crt' })).toMatchObject({
      ok: false,
      error: {
        flag: '--tls-private-key-file',
        message:
          '--tls-private-key-file: --tls-cert-file and --tls-private-key-file go together: give both, or neither for a self-signed certificate',
      },
    });
    expect(settings({ authorizationAlwaysAllowPaths: '/debug*/x' })).toMatchObject({
      ok: false,
      error: { message: '--authorization-always-allow-paths: only trailing * allowed in "debug*/x"' },
    });
    expect(settings({ securePort: '70000' })).toMatchObject({ ok: false, error: { flag: '--secure-port' } });
  });
});

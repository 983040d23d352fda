/**
 * The secure port's settings (app/flags/serving-flags.ts → SecureServingSettings), checked where
 * one flag alone cannot be: a certificate needs its key, the always-allowed paths their syntax.
 */
import { type Result, err, ok } from '../algorithms/index.js';
import { parseAlwaysAllowPaths, type AlwaysAllowPaths } from '../controller/serving/delegated-auth.js';
import { FlagErrorCode, flagError, type FlagError } from './flags/kinds.js';
import type { FlagValues } from './flags/values.js';

export interface SecureServingSettings {
  readonly port: number;
  /** undefined: every interface */
  readonly bindAddress?: string;
  /** undefined: a self-signed certificate made in memory */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** undefined: the controller's own connection */
  readonly authenticationKubeconfig?: string;
  readonly authorizationKubeconfig?: string;
  readonly tokenCacheTtlMs: number;
  readonly allowCacheTtlMs: number;
  readonly denyCacheTtlMs: number;
  readonly alwaysAllowPaths: AlwaysAllowPaths;
}

function given(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** null when --secure-port is 0 (the default): no secure port. */
export function secureServingSettings(v: FlagValues): Result<SecureServingSettings | null, FlagError> {
  const cert = given(v.tlsCertFile);
  const key = given(v.tlsPrivateKeyFile);
  if ((cert === undefined) !== (key === undefined))
    return err(
      flagError(
        FlagErrorCode.InvalidCombination,
        cert === undefined ? '--tls-cert-file' : '--tls-private-key-file',
        '--tls-cert-file and --tls-private-key-file go together: give both, or neither for a self-signed certificate',
      ),
    );
  const paths = parseAlwaysAllowPaths(v.authorizationAlwaysAllowPaths ?? '');
  if (!paths.ok)
    return err(
      flagError(
        FlagErrorCode.InvalidValue,
        '--authorization-always-allow-paths',
        paths.error,
        v.authorizationAlwaysAllowPaths,
      ),
    );
  const port = v.securePort ?? 0;
  if (port === 0) return ok(null);
  const bindAddress = given(v.secureBindAddress);
  const authn = given(v.authenticationKubeconfig);
  const authz = given(v.authorizationKubeconfig);
  return ok({
    port,
    ...(bindAddress === undefined ? {} : { bindAddress }),
    ...(cert === undefined || key === undefined ? {} : { tls: { certFile: cert, keyFile: key } }),
    ...(authn === undefined ? {} : { authenticationKubeconfig: authn }),
    ...(authz === undefined ? {} : { authorizationKubeconfig: authz }),
    tokenCacheTtlMs: v.authenticationTokenWebhookCacheTtl ?? 10_000,
    allowCacheTtlMs: v.authorizationWebhookCacheAuthorizedTtl ?? 10_000,
    denyCacheTtlMs: v.authorizationWebhookCacheUnauthorizedTtl ?? 10_000,
    alwaysAllowPaths: paths.value,
  });
}

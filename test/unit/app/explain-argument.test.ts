import { describe, expect, it } from '@jest/globals';
import { explainHpa, parseHpaArgument } from '../../../app/explain-command.js';
import { runSettingsFromFlags } from '../../../app/settings.js';

describe('the <hpa> argument of hpa-ts explain', () => {
  it('is NAMESPACE/NAME, or NAME in --namespace (default: default)', () => {
    expect(parseHpaArgument('shop/web', undefined)).toEqual({ ok: true, value: { namespace: 'shop', name: 'web' } });
    expect(parseHpaArgument('web', 'shop')).toEqual({ ok: true, value: { namespace: 'shop', name: 'web' } });
    expect(parseHpaArgument('web', undefined)).toEqual({ ok: true, value: { namespace: 'default', name: 'web' } });
  });

  it.each(['a/b/c', '/web', 'shop/', '', '/'])('rejects %j, naming the argument and the expected form', (arg) => {
    expect(parseHpaArgument(arg, undefined)).toEqual({
      ok: false,
      error: {
        code: 'InvalidArgument',
        flag: '<hpa>',
        value: arg,
        message: `<hpa>: ${JSON.stringify(arg)} is not an HPA: expected NAMESPACE/NAME or NAME`,
      },
    });
  });

  it('explain a/b/c is an error (exit 2), not an explanation of a/b', async () => {
    const settings = runSettingsFromFlags({ leaderElect: false });
    expect(await explainHpa('a/b/c', settings, {}, 'text')).toEqual({
      code: 2,
      text: 'error: <hpa>: "a/b/c" is not an HPA: expected NAMESPACE/NAME or NAME',
    });
  });
});

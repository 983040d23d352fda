import { describe, expect, it } from '@jest/globals';
import { applyJsonPatch } from '../../../simulator/apiserver/patch/json-patch.js';
import { applyMergePatch } from '../../../simulator/apiserver/patch/merge-patch.js';
import { applyStrategicMergePatch, builtinPatchMeta } from '../../../simulator/apiserver/patch/strategic-merge.js';

const meta = builtinPatchMeta('Deployment');

describe('JSON merge patch (RFC 7386)', () => {
  it('merges objects, replaces lists and deletes with null', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('supports add, remove, replace, move, copy and test, with ~1 escapes and -', () => {
    const r = applyJsonPatch({ metadata: { annotations: { 'a/b': 'x' } }, l: [1] }, [
      { op: 'add', path: '/l/-', value: 2 },
      { op: 'replace', path: '/metadata/annotations/a~1b', value: 'y' },
      { op: 'copy', from: '/l/0', path: '/first' },
      { op: 'move', from: '/first', path: '/moved' },
      { op: 'test', path: '/moved', value: 1 },
      { op: 'remove', path: '/l/0' },
    ]);
    expect(r).toEqual({ ok: true, value: { metadata: { annotations: { 'a/b': 'y' } }, l: [2], moved: 1 } });
  });

  it('fails a test or a missing path with the json-patch wording', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toEqual({
      ok: false,
      error: 'testing value /a failed: test failed',
    });
    expect(applyJsonPatch({}, [{ op: 'remove', path: '/x' }])).toMatchObject({
      ok: false,
      error: expect.stringContaining('doc is missing path: "/x"'),
    });
  });
});

describe('strategic merge patch', () => {
  const pod = {
    containers: [
      { name: 'a', image: 'x', ports: [{ containerPort: 80 }], env: [{ name: 'E', value: '1' }] },
      { name: 'b', image: 'y' },
    ],
  };
  const wrap = (spec: unknown) => ({ spec: { template: { spec } } });

  it('merges containers by name and ports by containerPort', () => {
    const r = applyStrategicMergePatch(
      wrap(pod),
      wrap({ containers: [{ name: 'a', ports: [{ containerPort: 81 }] }] }),
      meta,
    );
    expect(
      r.ok && (r.value as { spec: { template: { spec: typeof pod } } }).spec.template.spec.containers[0].ports,
    ).toEqual([{ containerPort: 80 }, { containerPort: 81 }]);
  });

  it('replaces a list with $patch: replace and deletes an element with $patch: delete', () => {
    const replaced = applyStrategicMergePatch(
      wrap(pod),
      wrap({ containers: [{ $patch: 'replace' }, { name: 'c', image: 'z' }] }),
      meta,
    );
    expect(
      replaced.ok && (replaced.value as { spec: { template: { spec: typeof pod } } }).spec.template.spec.containers,
    ).toEqual([{ name: 'c', image: 'z' }]);
    const deleted = applyStrategicMergePatch(wrap(pod), wrap({ containers: [{ name: 'b', $patch: 'delete' }] }), meta);
    expect(
      deleted.ok &&
        (deleted.value as { spec: { template: { spec: typeof pod } } }).spec.template.spec.containers.map(
          (c) => c.name,
        ),
    ).toEqual(['a']);
  });

  it('honours $retainKeys and $deleteFromPrimitiveList', () => {
    const strategy = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const r = applyStrategicMergePatch(
      strategy,
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      meta,
    );
    expect(r).toEqual({ ok: true, value: { spec: { strategy: { type: 'Recreate' } } } });
    const fin = applyStrategicMergePatch(
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], finalizers: ['c'] } },
      meta,
    );
    expect(fin).toEqual({ ok: true, value: { metadata: { finalizers: ['b', 'c'] } } });
  });

  it('replaces lists without a merge key (HPA metrics) wholesale', () => {
    const r = applyStrategicMergePatch(
      { spec: { metrics: [{ type: 'Pods' }, { type: 'Resource' }] } },
      { spec: { metrics: [{ type: 'External' }] } },
      builtinPatchMeta('HorizontalPodAutoscaler'),
    );
    expect(r).toEqual({ ok: true, value: { spec: { metrics: [{ type: 'External' }] } } });
  });
});

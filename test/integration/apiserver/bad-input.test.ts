/**
 * Issue 13 item 8, the API server's half: what kube-apiserver refuses in a body, the simulator
 * refuses with the same status and message (an int32 that is not one, annotations over 256 KiB);
 * what it accepts and prunes (a null in a non-nullable field of a custom resource), the
 * simulator prunes too; a built-in HPA's `status.currentMetrics: null` reads back as null.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { CRD_RESOURCE } from '../../../app/build-controller.js';
import { Resources, startApiServer, type ApiServerHandle } from '../../../simulator/apiserver/index.js';
import { deploymentBody, hpaBody } from './helpers.js';

let server: ApiServerHandle;

beforeAll(async () => {
  server = await startApiServer();
  const crd = fileURLToPath(
    new URL('../../../manifests/crd/horizontalpodautoscalers.autoscaling.hpa-ts.io.yaml', import.meta.url),
  );
  server.store.create(Resources.customResourceDefinitions, undefined, parseYaml(readFileSync(crd, 'utf8')));
  server.store.create(Resources.deployments, 'default', deploymentBody('web'));
});

afterAll(async () => {
  await server.close();
});

async function call(
  method: string,
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: { message?: string; reason?: string; code?: number } & Record<string, unknown> }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'Content-Type': contentType },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

describe('an int32 field that holds no int32 is the decoder’s 400, as kube-apiserver answers', () => {
  it.each([2.5, 2147483648])('Deployment spec.replicas %p', async (replicas) => {
    const r = await call('POST', DEPLOYMENTS, deploymentBody(`d${String(replicas).replace('.', '')}`, replicas));
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe('BadRequest');
    expect(r.json.message).toBe(
      `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number ${replicas} into Go struct field DeploymentSpec.spec.replicas of type int32`,
    );
  });

  it('a merge patch of a Deployment to replicas 2.5', async () => {
    const r = await call('PATCH', `${DEPLOYMENTS}/web`, { spec: { replicas: 2.5 } }, 'application/merge-patch+json');
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/cannot unmarshal number 2\.5 into Go struct field DeploymentSpec\.spec\.replicas/);
  });

  it.each([
    ['PUT', 'application/json', { metadata: { name: 'web' }, spec: { replicas: 2.5 } }, '2.5'],
    ['PATCH', 'application/merge-patch+json', { spec: { replicas: 2147483648 } }, '2147483648'],
  ])('the scale subresource, %s', async (method, type, body, n) => {
    const r = await call(method, `${DEPLOYMENTS}/web/scale`, body, type);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe(
      `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal number ${n} into Go struct field ScaleSpec.spec.replicas of type int32`,
    );
  });

  it.each([
    ['v2', 2.5],
    ['v1', 2147483648],
  ])('HorizontalPodAutoscaler autoscaling/%s maxReplicas %p', async (version, max) => {
    const body = { ...hpaBody(`h${version}`), apiVersion: `autoscaling/${version}` };
    const spec = { ...body.spec, maxReplicas: max, ...(version === 'v1' ? { metrics: undefined } : {}) };
    const r = await call('POST', `/apis/autoscaling/${version}/namespaces/default/horizontalpodautoscalers`, {
      ...body,
      spec,
    });
    expect(r.status).toBe(400);
    expect(r.json.message).toBe(
      `HorizontalPodAutoscaler in version "${version}" cannot be handled as a HorizontalPodAutoscaler: json: cannot unmarshal number ${max} into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32`,
    );
  });

  it('the CRD kind: its schema’s type check (422), as apiextensions-apiserver answers', async () => {
    const body = { ...hpaBody('crd-frac'), apiVersion: `${CRD_RESOURCE.group}/${CRD_RESOURCE.version}` };
    const r = await call('POST', crdPath(), { ...body, spec: { ...body.spec, maxReplicas: 2.5 } });
    expect(r.status).toBe(422);
    expect(r.json.message).toContain(
      'spec.maxReplicas: Invalid value: "number": spec.maxReplicas in body must be of type integer: "number"',
    );
  });
});

function crdPath(name = ''): string {
  const base = `/apis/${CRD_RESOURCE.group}/${CRD_RESOURCE.version}/namespaces/default/${CRD_RESOURCE.plural}`;
  return name === '' ? base : `${base}/${name}`;
}

describe('annotations over 256 KiB in all are refused (422) for every kind', () => {
  const annotated = (size: number): Record<string, string> => ({ big: 'x'.repeat(size - 'big'.length) });

  it.each([
    ['ConfigMap', '/api/v1/namespaces/default/configmaps', (n: string) => ({ metadata: { name: n } })],
    ['Deployment', DEPLOYMENTS, (n: string) => deploymentBody(n)],
    ['HorizontalPodAutoscaler', crdPath(), (n: string) => ({ ...hpaBody(n), apiVersion: 'autoscaling.hpa-ts.io/v1' })],
  ])('%s: 262144 bytes are accepted, 262145 refused', async (kind, path, make) => {
    const at = (size: number, name: string): Record<string, unknown> => {
      const body = make(name) as { metadata: Record<string, unknown> };
      return { ...body, metadata: { ...body.metadata, annotations: annotated(size) } };
    };
    expect((await call('POST', path, at(262144, `${kind.toLowerCase()}-max`))).status).toBe(201);
    const r = await call('POST', path, at(262145, `${kind.toLowerCase()}-over`));
    expect(r.status).toBe(422);
    expect(r.json.message).toMatch(/ is invalid: metadata\.annotations: Too long: must have at most 262144 bytes$/);
  });

  it('a 4 MB annotation on an update is refused too', async () => {
    const r = await call(
      'PATCH',
      `${DEPLOYMENTS}/web`,
      { metadata: { annotations: { a: 'x'.repeat(4 << 20) } } },
      'application/merge-patch+json',
    );
    expect(r.status).toBe(422);
    expect(r.json.message).toBe(
      'Deployment.apps "web" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
    );
  });
});

describe('status.currentMetrics: null', () => {
  it('a custom resource (the CRD kind): pruned, as the field is not nullable', async () => {
    const body = { ...hpaBody('crd-null'), apiVersion: 'autoscaling.hpa-ts.io/v1' };
    const created = await call('POST', crdPath(), body);
    expect(created.status).toBe(201);
    // a PUT: in a merge patch null already means "remove"
    const r = await call('PUT', `${crdPath('crd-null')}/status`, {
      ...created.json,
      status: { currentMetrics: null, currentReplicas: 1, desiredReplicas: 1 },
    });
    expect(r.status).toBe(200);
    expect(r.json.status).toEqual({ currentReplicas: 1, desiredReplicas: 1 });
  });

  it('a built-in HPA: kept as null (the Go field has no omitempty)', async () => {
    const path = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
    const created = await call('POST', path, hpaBody('builtin-null'));
    expect(created.status).toBe(201);
    const r = await call('PUT', `${path}/builtin-null/status`, {
      ...created.json,
      status: { currentMetrics: null, currentReplicas: 1, desiredReplicas: 1 },
    });
    expect(r.status).toBe(200);
    expect(r.json.status).toEqual({ currentReplicas: 1, desiredReplicas: 1, currentMetrics: null });
  });
});

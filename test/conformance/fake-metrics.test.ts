/**
 * The conformance runner's fake metrics APIs read `metricsApi.failures` as BEHAVIOR-FORMAT.md
 * writes it: `pods` and `object` name one fake custom-metrics client, so either entry fails every
 * custom.metrics.k8s.io call — per-pod and object alike — and `external` only the external API.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reconcileCase } from './controller-cases.js';
import type { Json, JsonObject } from './convert.js';

const PODS_CASE = fileURLToPath(new URL('./cases/controller/TestScaleUpCM.json', import.meta.url));
const OBJECT_CASE = fileURLToPath(new URL('./cases/controller/TestScaleUpCMObject.json', import.meta.url));

function caseWith(file: string, failures: readonly string[]): JsonObject {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const c = (Array.isArray(raw) ? raw[0] : raw) as JsonObject;
  return { ...c, metricsApi: { ...(c.metricsApi as JsonObject), failures: [...failures] } };
}

function firstMetric(c: JsonObject): { ok: boolean; error?: string } {
  const m = reconcileCase(c).decision.metrics[0];
  return m.ok ? { ok: true } : { ok: false, error: m.eventMessage };
}

describe('metricsApi.failures in the conformance runner', () => {
  it.each([['pods'], ['object']])('"%s" fails a Pods metric (one custom-metrics client)', (failure) => {
    const m = firstMetric(caseWith(PODS_CASE, [failure]));
    expect(m.ok).toBe(false);
    expect(m.error).toContain('something went wrong');
  });

  it.each([['pods'], ['object']])('"%s" fails an Object metric (one custom-metrics client)', (failure) => {
    const m = firstMetric(caseWith(OBJECT_CASE, [failure]));
    expect(m.ok).toBe(false);
    expect(m.error).toContain('something went wrong');
  });

  it('"external" and "resource" leave the custom-metrics client alone', () => {
    expect(firstMetric(caseWith(PODS_CASE, ['external', 'resource'])).ok).toBe(true);
    expect(firstMetric(caseWith(OBJECT_CASE, ['external', 'resource'])).ok).toBe(true);
  });
});

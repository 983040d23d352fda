/**
 * What a reader of the API sees: the built-in's status comes back from kube-apiserver, which
 * re-serializes every quantity in its canonical form for the format its suffix implies (kcm's
 * `51987000`, a BinarySI amount without suffix, reads back as DecimalSI `51987k`). hpa-ts's
 * status in shadow mode was never written, so where currentMetrics differ, hpa-ts's are written
 * to a scratch HPA (dry-run) and read back before they are compared again.
 */
import { canonical, type ComparisonRecord } from './compare.js';
import type { Stack } from './stack.js';

const ROUNDTRIP_NAMESPACE = 'e2e-roundtrip';

export class MetricsRoundTrip {
  private ready: Promise<void> | undefined;
  private lock: Promise<void> = Promise.resolve();

  constructor(private readonly stack: Stack) {}

  /** The records with hpa-ts's currentMetrics as the API server would store them. */
  async throughApiServer(records: readonly ComparisonRecord[]): Promise<ComparisonRecord[]> {
    const out: ComparisonRecord[] = [];
    for (const r of records) {
      if (r.metricsAgree) {
        out.push(r);
        continue;
      }
      const mine = await this.roundTrip(r.ours.currentMetrics);
      if (canonical(mine) !== canonical(r.builtin.currentMetrics)) {
        out.push(r);
        continue;
      }
      const differences = r.differences.filter((d) => !d.startsWith('currentMetrics'));
      out.push({
        ...r,
        metricsAgree: true,
        agree: differences.length === 0,
        differences,
        ours: { ...r.ours, currentMetrics: mine },
      });
    }
    return out;
  }

  private get base(): string {
    return `/apis/autoscaling/v2/namespaces/${ROUNDTRIP_NAMESPACE}/horizontalpodautoscalers`;
  }

  private async roundTrip(metrics: unknown): Promise<unknown> {
    const { kube } = this.stack;
    const base = this.base;
    this.ready ??= (async () => {
      await this.stack.createNamespace(ROUNDTRIP_NAMESPACE);
      // a target that does not exist: neither controller will ever write this HPA's status
      await kube.create(base, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'scratch', namespace: ROUNDTRIP_NAMESPACE },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'none' },
          minReplicas: 1,
          maxReplicas: 1,
        },
      });
    })();
    await this.ready;
    // one at a time (scenarios end concurrently); dry-run: nothing is stored, nothing for the controllers to see
    const run = this.lock.then(async () => {
      for (let attempt = 1; ; attempt++) {
        const cur = await kube.get(`${base}/scratch`);
        const r = await kube.raw('PUT', `${base}/scratch/status?dryRun=All`, {
          ...cur,
          status: { currentReplicas: 1, desiredReplicas: 1, currentMetrics: metrics },
        });
        if (r.status === 200)
          return ((JSON.parse(r.text) as { status?: { currentMetrics?: unknown } }).status?.currentMetrics ??
            []) as unknown;
        if (r.status !== 409 || attempt >= 5)
          throw new Error(`round trip of currentMetrics: HTTP ${r.status} ${r.text.slice(0, 300)}`);
      }
    });
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

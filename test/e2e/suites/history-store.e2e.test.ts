/**
 * --history-store on the real stack (issue 15 item 4, docs/history-store.md): two pairs of
 * `hpa-ts run` (the CLI, child processes) with leader election, one pair per namespace
 * (--namespace), one with --history-store=configmap and the component's RBAC
 * (manifests/components/history-store), one with the default --history-store=memory. Load drops,
 * the leader of each pair is killed (-9) partway through the scale-down window, the standby takes
 * over after the lease duration.
 *
 * - web (configmap): scale-down stabilization window W. The new leader continues the window the
 *   old one recorded (read back before its first reconcile): it scales down when that window ends
 *   and not before.
 * - api (configmap and memory): no window, scale-down policy "1 pod per W". After the old leader
 *   removed one pod, the configmap leader waits for the policy period to end; the memory leader
 *   (upstream's behaviour) has forgotten the removal and takes the next pod at once — early.
 *
 * CI: W = 60 s, kill 15 s after the load drop. HPA_TS_E2E_HISTORY_LONG=1: the numbers,
 * W = 300 s, kill at 60 s (docs/e2e.md).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../bed/kube.js';
import { REPO_ROOT, startHpaTsProcess, type HpaTsProcess } from '../bed/hpa-ts.js';
import { installOverlayIdentity, type OverlayIdentity } from '../bed/rbac.js';
import { deployment, SoloBed } from '../bed/solo.js';
import { bench, describeIfBinaries, eventually, progress } from '../bed/suite.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const maybe = gate.run ? describe : describe.skip;
const LONG = process.env.HPA_TS_E2E_HISTORY_LONG === '1';
/** the scale-down window of web and the policy period of api, in seconds */
const WINDOW_S = LONG ? 300 : 60;
/** seconds from the load drop to the kill of the leader */
const KILL_AFTER_S = LONG ? 60 : 15;
const STORES = ['configmap', 'memory'] as const;
type Store = (typeof STORES)[number];
const nsOf = (store: Store): string => `history-${store}`;

/** An HPA on the Object metric `requests` of its own Deployment: ceil(requests / 1) replicas, 1 to 4. */
function hpa(namespace: string, name: string, scaleDown: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [
        {
          type: 'Object',
          object: {
            describedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name },
            metric: { name: 'requests' },
            target: { type: 'AverageValue', averageValue: '1' },
          },
        },
      ],
      behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown },
    },
  };
}

interface Pair {
  readonly store: Store;
  readonly lease: string;
  readonly replicas: { readonly id: string; readonly p: HpaTsProcess }[];
}

interface Stored {
  readonly recommendations: { replicas: number; time: number }[] | null;
  readonly scaleDownEvents: { replicaChange: number; time: number }[];
}

maybe('--history-store: a scale-down window and policy across a leader kill on the real stack', () => {
  let bed: SoloBed;
  let identity: OverlayIdentity;
  const pairs: Pair[] = [];
  /** every spec.replicas change seen, with when */
  const changes: { ns: string; name: string; replicas: number; at: number }[] = [];
  let stopWatch: (() => void) | undefined;

  beforeAll(async () => {
    const t0 = Date.now();
    bed = await SoloBed.start({ name: 'history', hpaController: false, syncPeriod: '2s' });
    identity = await installOverlayIdentity(bed.stack, 'builtin');
    // the component's RBAC, as a kustomization listing manifests/components/history-store adds it
    const rbac = readFileSync(join(REPO_ROOT, 'manifests/components/history-store/clusterrole.yaml'), 'utf8');
    for (const doc of parseAllDocuments(rbac)) {
      const o = doc.toJS() as KubeObject;
      const plural = o.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
      await bed.stack.kube.apply(`/apis/rbac.authorization.k8s.io/v1/${plural}`, o);
    }
    for (const store of STORES) {
      const ns = nsOf(store);
      await bed.stack.createNamespace(ns);
      const apps = store === 'configmap' ? ['web', 'api'] : ['api'];
      for (const app of apps)
        await bed.stack.kube.create(
          `/apis/apps/v1/namespaces/${ns}/deployments`,
          // at 4 already: a scale-up inside the policy period would count against the scale-down
          // limit (upstream's periodStartReplicas subtracts the pods added in the period, R3.5.6)
          deployment(ns, app, 4, [{ name: app, cpu: '100m', memory: '64Mi' }]),
        );
      const hpas = `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`;
      if (store === 'configmap')
        await bed.stack.kube.create(
          hpas,
          hpa(ns, 'web', {
            stabilizationWindowSeconds: WINDOW_S,
            policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }],
          }),
        );
      await bed.stack.kube.create(
        hpas,
        hpa(ns, 'api', {
          stabilizationWindowSeconds: 0,
          policies: [{ type: 'Pods', value: 1, periodSeconds: WINDOW_S }],
        }),
      );
      setLoad(store, 4);
    }
    const watch = bed.stack.kube.watch('/apis/apps/v1/deployments', (type, d) => {
      if (type === 'DELETED') return;
      const [ns, name, replicas] = [d.metadata.namespace as string, d.metadata.name, d.spec?.replicas as number];
      const last = changes.filter((c) => c.ns === ns && c.name === name).at(-1);
      if (last?.replicas !== replicas) changes.push({ ns, name, replicas, at: Date.now() });
    });
    stopWatch = () => watch.stop();
    progress(`history: bed up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${bed.stack.dir})`);
  }, 240_000);

  afterAll(async () => {
    stopWatch?.();
    for (const pair of pairs) for (const r of pair.replicas) await r.p.stop().catch(() => undefined);
    await bed?.stop();
  });

  function setLoad(store: Store, pods: number): void {
    const ns = nsOf(store);
    bed.provider.set(ns, {
      objects: { [`deployments.apps/web/requests`]: pods * 1000, [`deployments.apps/api/requests`]: pods * 1000 },
    });
  }

  async function startPair(store: Store): Promise<Pair> {
    const lease = `hpa-ts-${store}`;
    const replicas = [];
    for (const id of [`${store}-a`, `${store}-b`]) {
      const p = await startHpaTsProcess(bed.stack, {
        // the configmap pair runs with the overlay's and the component's RBAC; its Lease Role names
        // only the Lease hpa-ts, so the memory pair (which needs no ConfigMap) runs as admin
        kubeconfig: store === 'configmap' ? identity.kubeconfig : bed.stack.adminKubeconfig,
        leaseNamespace: identity.namespace,
        logName: `hpa-ts-${id}`,
        extraArgs: [
          '--leader-elect-identity',
          id,
          '--leader-elect-resource-name',
          store === 'configmap' ? 'hpa-ts' : lease,
          '--namespace',
          nsOf(store),
          '--history-store',
          store,
        ],
      });
      replicas.push({ id, p });
    }
    const pair = { store, lease: store === 'configmap' ? 'hpa-ts' : lease, replicas };
    pairs.push(pair);
    return pair;
  }

  async function holder(pair: Pair): Promise<string> {
    const l = await bed.stack.kube.getOrUndefined<{ spec?: { holderIdentity?: string } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${identity.namespace}/leases/${pair.lease}`,
    );
    return l?.spec?.holderIdentity ?? '';
  }

  const replicasOf = (store: Store, name: string): number =>
    changes.filter((c) => c.ns === nsOf(store) && c.name === name).at(-1)?.replicas ?? 0;
  const firstAtMost = (store: Store, name: string, replicas: number, after = 0) =>
    changes.find((c) => c.ns === nsOf(store) && c.name === name && c.replicas <= replicas && c.at >= after);

  async function stored(name: string): Promise<Stored | undefined> {
    const cm = await bed.stack.kube.getOrUndefined<{ data?: Record<string, string> }>(
      `/api/v1/namespaces/${nsOf('configmap')}/configmaps/hpa-ts-history`,
    );
    const text = cm?.data?.[name];
    return text === undefined ? undefined : (JSON.parse(text) as { history: Stored }).history;
  }

  it(
    `the new leader keeps a ${WINDOW_S} s window and policy period after a kill at ${KILL_AFTER_S} s; memory removes a pod early`,
    async () => {
      const t0 = Date.now();
      const started = await Promise.all(STORES.map((s) => startPair(s)));
      await eventually(
        'web and api at 4 replicas',
        () =>
          replicasOf('configmap', 'web') === 4 &&
          replicasOf('configmap', 'api') === 4 &&
          replicasOf('memory', 'api') === 4,
        90_000,
      );
      await eventually(
        'the high recommendations stored',
        async () => (await stored('web'))?.recommendations?.some((r) => r.replicas === 4),
        30_000,
      );
      const dropAt = Date.now();
      for (const s of STORES) setLoad(s, 1);
      progress(`history: load dropped (${((dropAt - t0) / 1000).toFixed(1)} s after start)`);
      // api: the old leader removes one pod; the policy allows the next one WINDOW_S later
      const firstDown = await Promise.all(
        STORES.map((s) => eventually(`api of ${s} at 3`, () => firstAtMost(s, 'api', 3, dropAt), 30_000)),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, dropAt + KILL_AFTER_S * 1000 - Date.now())));
      // what the configmap leader had stored when it died: the window ends WINDOW_S after its last high recommendation
      const web = await stored('web');
      const api = await stored('api');
      const lastHigh = Math.max(...(web?.recommendations ?? []).filter((r) => r.replicas === 4).map((r) => r.time));
      const removedAt = Math.max(...(api?.scaleDownEvents ?? []).map((e) => e.time));
      expect(Number.isFinite(lastHigh) && Number.isFinite(removedAt)).toBe(true);
      const killed: Record<string, string> = {};
      for (const pair of started) {
        const id = await holder(pair);
        const leader = pair.replicas.find((r) => r.id === id);
        if (leader === undefined) throw new Error(`no leader of the ${pair.store} pair (holder ${id})`);
        leader.p.proc.child.kill('SIGKILL');
        killed[pair.store] = id;
      }
      const killedAt = Date.now();
      progress(`history: killed ${JSON.stringify(killed)} ${((killedAt - dropAt) / 1000).toFixed(1)} s after the drop`);

      // memory (control): the new leader forgot the removal and takes the next pod at its first reconciles
      const early = await eventually('api of memory at 2', () => firstAtMost('memory', 'api', 2, dropAt), 90_000);
      bench(
        'history_memory_second_scale_down_after_first',
        ((early.at - (firstDown[1]?.at ?? 0)) / 1000).toFixed(1),
        's',
      );
      expect(early.at).toBeLessThan((firstDown[1]?.at ?? 0) + WINDOW_S * 1000);

      // configmap: the window and the policy period the old leader recorded, continued to their end
      const down = await eventually(
        'web of configmap at 1',
        () => firstAtMost('configmap', 'web', 1, dropAt),
        (WINDOW_S + 60) * 1000,
      );
      const next = await eventually(
        'api of configmap at 2',
        () => firstAtMost('configmap', 'api', 2, dropAt),
        (WINDOW_S + 60) * 1000,
      );
      bench(
        'history_configmap_window_end_to_scale_down',
        ((down.at - (lastHigh + WINDOW_S * 1000)) / 1000).toFixed(1),
        's',
      );
      bench(
        'history_configmap_period_end_to_next_removal',
        ((next.at - (removedAt + WINDOW_S * 1000)) / 1000).toFixed(1),
        's',
      );
      expect(down.at).toBeGreaterThanOrEqual(lastHigh + WINDOW_S * 1000);
      expect(next.at).toBeGreaterThanOrEqual(removedAt + WINDOW_S * 1000);
      // the new leader read the histories back, and its RBAC was enough for everything it did
      // pairs start concurrently, so their order in `pairs` is not fixed: look the pair up by store
      const configmapPair = pairs.find((pair) => pair.store === 'configmap');
      const survivor = configmapPair?.replicas.find((r) => r.id !== killed.configmap);
      const log = readFileSync(survivor?.p.proc.logFile ?? '', 'utf8');
      expect(log).toMatch(/"reason":"HistoryLoaded"[^\n]*"restored":2/);
      const metrics = (await survivor?.p.metrics()) ?? '';
      expect(metrics).not.toMatch(/hpa_ts_api_requests_total\{[^}]*code="403"/);
      expect(metrics).toMatch(/hpa_ts_history_store_writes_total\{result="written"\} [1-9]/);
      bench('history_story', ((Date.now() - t0) / 1000).toFixed(1), 's');
    },
    (WINDOW_S * 2 + 300) * 1000,
  );
});

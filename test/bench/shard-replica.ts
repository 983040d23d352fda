/**
 * One replica of `npm run bench:shards`, in its own process (replicas must not share an event
 * loop, or they could not scale): `hpa-ts run --shards` as startController wires it, against the
 * bench cluster. IPC: `{ready}` once started; `{reconciles, held}` on `count`; exits on `stop`.
 */
import { EMBEDDED_RUN_FLAGS, runSettingsFromFlags } from '../../app/settings.js';
import { loadKubeConfig, startController } from '../../app/start.js';
import { silentLogger } from '../../controller/logging.js';

const [kubeconfig, identity, shards, leaseName, syncMs] = process.argv.slice(2);
let reconciles = 0;
const ctl = await startController(
  runSettingsFromFlags({
    ...EMBEDDED_RUN_FLAGS,
    horizontalPodAutoscalerSyncPeriod: `${syncMs}ms`,
    leaderElect: true,
    leaderElectIdentity: identity,
    leaderElectResourceName: leaseName,
    leaderElectResourceNamespace: 'default',
    leaderElectLeaseDuration: '4s',
    leaderElectRenewDeadline: '3s',
    leaderElectRetryPeriod: '500ms',
    shards,
    // BENCH_KUBE_API_QPS=-1: capacity without the client-side limit (default: the flag's 200)
    ...(process.env.BENCH_KUBE_API_QPS === undefined ? {} : { kubeApiQps: process.env.BENCH_KUBE_API_QPS }),
  }),
  { metricsClient: 'apiserver' },
  {
    kubeConfig: await loadKubeConfig(kubeconfig),
    log: silentLogger(),
    defaultMetrics: false,
    onOutcome: () => reconciles++,
  },
);
process.send?.({ ready: true });
process.on('message', (m: { cmd?: string }) => {
  if (m.cmd === 'count') {
    void ctl.monitor.shardsHeld.get().then((g) => process.send?.({ reconciles, held: g.values[0]?.value ?? 0 }));
  } else if (m.cmd === 'stop') {
    void ctl.stop().then(() => process.exit(0));
  }
});

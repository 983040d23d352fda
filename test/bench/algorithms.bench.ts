/**
 * `npm run bench:algorithms`: decisions per second on one core, each a whole reconcile's pure
 * work as the controller does it: decide(), settleRescale() with a successful write, historyAfter().
 * (a) one Resource metric over 10 pods; (b) three metrics over 100 pods with behavior and a
 * 60-entry recommendation history. Prints `BENCH <name> <value> decisions/s`.
 * Runs on the tsc output (as the container image does), not through tsx. The samples are
 * reused across iterations like the controller's per-namespace metrics cache shares them
 * between the HPAs of a namespace within one sync period.
 */
import type { DecideInput, HpaHistory } from '../../algorithms/index.js';
import {
  NOW,
  cpuFetch,
  cpuUtilization,
  decideAndWrite,
  decideInput,
  externalAverage,
  externalFetch,
  makeHpa,
  makePod,
  podsAverage,
  podsFetch,
} from '../unit/algorithms/fixtures.js';

function measure(name: string, input: DecideInput, minMs = 2000): void {
  // warm up so the JIT has compiled the hot paths
  for (let i = 0; i < 2000; i++) decideAndWrite(input);
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs) {
    for (let i = 0; i < 500; i++) decideAndWrite(input);
    n += 500;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  console.log(`BENCH ${name} ${Math.round((n / elapsedMs) * 1000)} decisions/s`);
}

const pods10 = Array.from({ length: 10 }, (_, i) => makePod(i));
const a = decideInput(
  makeHpa([cpuUtilization(50)], { max: 50, currentReplicas: 10 }),
  pods10,
  [cpuFetch(pods10, (i) => 600 + i * 10)],
  10,
);
measure('decide_resource_10_pods', a);

const pods100 = Array.from({ length: 100 }, (_, i) => makePod(i));
const history: HpaHistory = {
  recommendations: Array.from({ length: 60 }, (_, i) => ({ replicas: 90 + (i % 20), time: NOW - (60 - i) * 15_000 })),
  scaleUpEvents: Array.from({ length: 4 }, (_, i) => ({ replicaChange: 5, time: NOW - i * 30_000, outdated: false })),
  scaleDownEvents: Array.from({ length: 4 }, (_, i) => ({ replicaChange: 3, time: NOW - i * 45_000, outdated: false })),
};
const hpaB = makeHpa(
  [cpuUtilization(60), podsAverage('http_requests_qps', '50'), externalAverage('queue_messages_cnt', '30')],
  {
    max: 300,
    currentReplicas: 100,
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 15 },
          { type: 'Pods', value: 4, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }],
      },
    },
  },
);
const b = decideInput(
  hpaB,
  pods100,
  [
    cpuFetch(pods100, (i) => 500 + (i % 7) * 30),
    podsFetch(pods100, (i) => 40_000 + i * 100),
    externalFetch([1_200_000, 1_900_000, 300_000]),
  ],
  100,
  { history },
);
measure('decide_three_metrics_100_pods_behavior', b);

/**
 * The simulator speaks the release it emulates: the same HorizontalPodAutoscalers go through the
 * real kubectl to the real kube-apiserver of the built release (its default feature gates) and to
 * the simulator's API server emulating that release (`simulate --serve --emulated-version 1.x`);
 * both must accept or reject each one with the same message and store the same object, read back
 * as autoscaling/v2 and autoscaling/v1 (hpa-fidelity.ts lists the cases).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer, type ApiServerHandle } from '../../../simulator/apiserver/index.js';
import { applyCase, FIDELITY_CASES, kubectl, type Outcome } from '../bed/hpa-fidelity.js';
import { Stack } from '../bed/stack.js';
import { describeIfBinaries, progress, reportDir } from '../bed/suite.js';

const gate = describeIfBinaries(['KUBE_APISERVER', 'KUBE_CONTROLLER_MANAGER', 'ETCD']);
const maybe = gate.run ? describe : describe.skip;
const NAMESPACE = 'fidelity';

maybe('the simulator validates, defaults and stores HPAs as the real kube-apiserver of its release', () => {
  let stack: Stack;
  let sim: ApiServerHandle;
  let simKubeconfig: string;
  const real = new Map<string, Outcome>();
  const simulated = new Map<string, Outcome>();

  beforeAll(async () => {
    stack = await Stack.start({
      name: 'fidelity',
      hpaController: false,
      workloadControllers: false,
      syncPeriod: '15s',
      releaseDefaultGates: true,
    });
    sim = await startApiServer({ release: stack.minor });
    simKubeconfig = join(stack.dir, 'sim.kubeconfig');
    await sim.writeKubeconfig(simKubeconfig);
    mkdirSync(join(stack.dir, 'sim-cache'), { recursive: true });
    await stack.createNamespace(NAMESPACE);
    sim.store.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, {
      metadata: { name: NAMESPACE },
    });
    progress(`fidelity: kube-apiserver ${stack.env.K8S_VERSION} and the simulator at 1.${stack.minor}`);
    for (const c of FIDELITY_CASES) {
      real.set(
        c.name,
        await applyCase(c, NAMESPACE, (args, input) =>
          kubectl(stack.adminKubeconfig, stack.kubectlCacheDir, args, input),
        ),
      );
    }
  }, 180_000);

  afterAll(async () => {
    await sim?.close();
    await stack?.stop();
  });

  it.each(FIDELITY_CASES.map((c) => [c.name, c.what, c] as const))('%s (%s)', async (_name, _what, c) => {
    simulated.set(
      c.name,
      await applyCase(c, NAMESPACE, (args, input) => kubectl(simKubeconfig, join(stack.dir, 'sim-cache'), args, input)),
    );
    expect(simulated.get(c.name)).toEqual(real.get(c.name));
  });

  afterAll(() => {
    writeFileSync(
      join(reportDir(), 'simulator-fidelity.json'),
      JSON.stringify(
        { release: stack?.env.K8S_VERSION, real: Object.fromEntries(real), simulated: Object.fromEntries(simulated) },
        null,
        1,
      ),
    );
  });
});

/**
 * kubernetes-models has no ServiceMonitor (monitoring.coreos.com/v1 is prometheus-operator's CRD),
 * so the fields this repository uses are transcribed here from prometheus-operator's CRD
 * (example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml, operator v0.84.1):
 * types, enums and patterns as there. Any field outside this subset is reported as unknown by the
 * validator (crd-validator.ts), so a new field means growing the subset from that file.
 * Also served as a CRD by the simulator in kubectl.test.ts, so `kubectl apply` meets it too.
 */
const DURATION = '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$';

const labelSelector = {
  type: 'object',
  properties: {
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { type: 'string' },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

export const SERVICE_MONITOR_SCHEMA = {
  type: 'object',
  required: ['spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['selector'],
      properties: {
        selector: labelSelector,
        namespaceSelector: {
          type: 'object',
          properties: { any: { type: 'boolean' }, matchNames: { type: 'array', items: { type: 'string' } } },
        },
        jobLabel: { type: 'string' },
        endpoints: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              port: { type: 'string' },
              path: { type: 'string' },
              scheme: { type: 'string', enum: ['http', 'https'] },
              interval: { type: 'string', pattern: DURATION },
              scrapeTimeout: { type: 'string', pattern: DURATION },
              honorLabels: { type: 'boolean' },
              bearerTokenFile: { type: 'string' },
              tlsConfig: {
                type: 'object',
                properties: {
                  caFile: { type: 'string' },
                  certFile: { type: 'string' },
                  keyFile: { type: 'string' },
                  insecureSkipVerify: { type: 'boolean' },
                  serverName: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** The same subset as a CustomResourceDefinition, for the simulator. */
export const SERVICE_MONITOR_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    names: {
      kind: 'ServiceMonitor',
      listKind: 'ServiceMonitorList',
      plural: 'servicemonitors',
      singular: 'servicemonitor',
      shortNames: ['smon'],
    },
    scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: SERVICE_MONITOR_SCHEMA } }],
  },
};

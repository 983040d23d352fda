/**
 * The flag table's entries for the secure port: /healthz, /readyz and /metrics over HTTPS with
 * authentication by TokenReview and authorization by SubjectAccessReview, delegated to the API
 * server — kube-controller-manager's flags of the same names (k8s.io/apiserver's delegating
 * options), with its defaults but one: the port is off unless set (docs/monitoring.md).
 */
import { duration, int, text } from './kinds.js';
import type { FlagSpec } from './spec.js';

export const SERVING_FLAGS = [
  {
    name: 'secure-port',
    value: 'port',
    kind: int(0, 65535),
    description:
      'serve /healthz, /readyz and /metrics over HTTPS on this port, with authentication and authorization delegated to the API server; 0 = off (kube-controller-manager: 10257, the manifests and the chart set it)',
    default: '0',
    commands: ['run'],
  },
  {
    name: 'secure-bind-address',
    value: 'ip',
    kind: text(),
    description: 'address the secure port listens on',
    unset: 'all interfaces',
    commands: ['run'],
  },
  {
    name: 'tls-cert-file',
    value: 'file',
    kind: text(),
    description: 'x509 certificate (PEM, intermediates after it) of the secure port; re-read when it changes',
    unset: 'a self-signed certificate made in memory at start-up',
    commands: ['run'],
  },
  {
    name: 'tls-private-key-file',
    value: 'file',
    kind: text(),
    description: 'private key (PEM) matching --tls-cert-file',
    commands: ['run'],
  },
  {
    name: 'authentication-kubeconfig',
    value: 'file',
    kind: text(),
    description: 'kubeconfig of the API server that reviews bearer tokens (create tokenreviews.authentication.k8s.io)',
    unset: "the controller's own connection (--kubeconfig or in-cluster)",
    commands: ['run'],
  },
  {
    name: 'authentication-token-webhook-cache-ttl',
    value: 'duration',
    kind: duration('0', '24h'),
    description: 'how long a token review (accepted or refused) is cached',
    default: '10s',
    commands: ['run'],
    why: "a revoked token keeps working this long; a day is already far past any scraper's interval",
  },
  {
    name: 'authorization-kubeconfig',
    value: 'file',
    kind: text(),
    description:
      'kubeconfig of the API server that authorizes requests (create subjectaccessreviews.authorization.k8s.io)',
    unset: "the controller's own connection (--kubeconfig or in-cluster)",
    commands: ['run'],
  },
  {
    name: 'authorization-webhook-cache-authorized-ttl',
    value: 'duration',
    kind: duration('0', '24h'),
    description: "how long an 'allowed' access review is cached",
    default: '10s',
    commands: ['run'],
    why: 'a revoked permission keeps working this long',
  },
  {
    name: 'authorization-webhook-cache-unauthorized-ttl',
    value: 'duration',
    kind: duration('0', '24h'),
    description: "how long a 'denied' access review is cached",
    default: '10s',
    commands: ['run'],
    why: 'a new permission takes this long to work',
  },
  {
    name: 'authorization-always-allow-paths',
    value: 'paths',
    kind: text(),
    description:
      'comma-separated paths served without authorization (a trailing * matches a prefix); any client, even without a token, may read them',
    default: '/healthz,/readyz,/livez',
    commands: ['run'],
  },
] as const satisfies readonly FlagSpec[];

/**
 * The switches of a release that the release matrix (npm run test:e2e:releases) measured side by
 * side with kube-controller-manager where the spec's version matrix is approximate.
 */
import { describe, expect, it } from '@jest/globals';
import { profileForVersion } from '../../../algorithms/profile.js';

describe('profileForVersion', () => {
  it('memory in currentMetrics: DecimalSI up to 1.33, BinarySI from 1.34 (V10; kcm 1.34.4 writes "32Mi")', () => {
    expect(profileForVersion(33).memoryStatusFormat).toBe('DecimalSI');
    expect(profileForVersion(34).memoryStatusFormat).toBe('BinarySI');
    expect(profileForVersion(37).memoryStatusFormat).toBe('BinarySI');
  });
});

import { describe, expect, it } from '@jest/globals';
import { cannotUnmarshal, selectorFromLabelSelector, type LabelSelector } from '../../../algorithms/index.js';

describe("encoding/json's type errors", () => {
  it('names what it found as Go does: bool, not boolean; a number literal only into an integer', () => {
    expect(cannotUnmarshal(true, 'LabelSelector.matchLabels', 'string')).toBe(
      'json: cannot unmarshal bool into Go struct field LabelSelector.matchLabels of type string',
    );
    expect(cannotUnmarshal(2.5, 'DeploymentSpec.spec.replicas', 'int32', true)).toBe(
      'json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(cannotUnmarshal(5, 'LabelSelector.matchLabels', 'string')).toMatch(/unmarshal number into/);
  });

  it('a label selector with a boolean label value is refused with that message', () => {
    const r = selectorFromLabelSelector({ matchLabels: { a: true } } as unknown as LabelSelector);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toMatch(/^json: cannot unmarshal bool into Go struct field LabelSelector.matchLabels/);
  });
});

import { describe, expect, it } from 'vitest';
import { button, clamp, esc, header, LIMITS, option, section } from './kit.js';

describe('Block Kit constructors keep to the limits', () => {
  it('clamps long texts with an ellipsis', () => {
    expect(clamp('abc', 3)).toBe('abc');
    expect(clamp('abcd', 3)).toBe('ab…');
    expect(header('x'.repeat(400)).text.text).toHaveLength(LIMITS.headerText);
    const s = section('y'.repeat(5000), { fields: Array.from({ length: 12 }, () => 'z'.repeat(2500)) });
    expect(s.text?.text).toHaveLength(LIMITS.sectionText);
    expect(s.fields).toHaveLength(LIMITS.sectionFields);
    for (const f of s.fields ?? []) expect(f.text).toHaveLength(LIMITS.fieldText);
  });

  it('refuses a value that Slack would reject instead of cutting an id short', () => {
    expect(() => button('x', 'a', 'v'.repeat(2001))).toThrow(/limit 2000/);
    expect(() => option('x', 'v'.repeat(151))).toThrow(/limit 150/);
  });

  it('escapes mrkdwn control characters in data', () => {
    expect(esc('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });
});

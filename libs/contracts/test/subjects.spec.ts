import { describe, expect, it } from 'vitest';
import { subjects } from '../src/index.js';

/** `blow-whistle` → `blowWhistle`: how a subject token is spelt as a catalogue key. */
const keyOf = (token: string) => token.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Every definition in the catalogue with the key path it is reached by. */
function keyed(node: unknown, path: string[] = []): Array<{ path: string; subject: string; expected: string }> {
  if (typeof node !== 'object' || node === null) return [];
  if ('kind' in node && (node.kind === 'endpoint' || node.kind === 'event')) {
    const definition = node as { kind: string; subject: string; type?: string };
    // An endpoint's subject is gov.<service>.<aggregate>.<action>; an event's type is <service>.<aggregate>.<event>.
    const tokens = definition.kind === 'endpoint' ? definition.subject.split('.').slice(1) : definition.type!.split('.');
    return [{ path: path.join('.'), subject: definition.subject, expected: tokens.map(keyOf).join('.') }];
  }
  return Object.entries(node).flatMap(([key, child]) => keyed(child, [...path, key]));
}

describe('the subject catalogue', () => {
  it('reaches every endpoint and event by its own subject, token for token', () => {
    const all = keyed(subjects);
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((d) => d.path !== d.expected).map((d) => `subjects.${d.path} is ${d.subject}`)).toEqual([]);
  });
});

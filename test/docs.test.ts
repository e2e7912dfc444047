import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerDefinitions } from '../providers';
import { coreVariables } from '../src/config';

const read = (path: string) => readFileSync(join(__dirname, '..', path), 'utf8');

describe('documentation', () => {
  const example = read('.env.example');
  const docs = [
    read('README.md'),
    ...readdirSync(join(__dirname, '..', 'docs')).map((page) => read(`docs/${page}`)),
  ].join('\n');
  const variables = [
    ...coreVariables,
    ...providerDefinitions.flatMap((d) => [
      ...Object.keys(d.env),
      ...Object.values(d.env).flat(),
      `RATE_LIMIT_${d.id.toUpperCase()}`,
    ]),
  ];

  it.each(variables)('.env.example and the docs name %s', (name) => {
    expect(example).toMatch(new RegExp(`\\b${name}\\b`));
    expect(docs).toMatch(new RegExp(`\\b${name}\\b`));
  });
});

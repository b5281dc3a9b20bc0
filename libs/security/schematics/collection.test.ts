import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTION_PATH } from './testing/schematic-test-helpers';

interface CollectionEntry {
  readonly factory: string;
  readonly schema: string;
  readonly description: string;
  readonly aliases?: readonly string[];
}

const collection = JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as {
  readonly schematics: Readonly<Record<string, CollectionEntry>>;
};
const entries = Object.entries(collection.schematics);
const here = __dirname;

/** Options the Nest CLI passes to every schematic of a collection (`nest g -c ...`). */
const NEST_CLI_OPTIONS = [
  'sourceRoot',
  'skipImport',
  'language',
  'spec',
  'flat',
  'specFileSuffix',
  'format',
];

describe('collection.json', () => {
  it('lists init, resource and policy', () => {
    expect(entries.map(([name]) => name)).toEqual(['init', 'resource', 'policy']);
  });

  it('has every schematic folder in the collection', () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, 'schema.json')))
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual(entries.map(([name]) => name).sort());
  });

  describe.each(entries)('%s', (name, entry) => {
    it('points at ./<name>/<name>.factory#main, which exports a function', () => {
      expect(entry.factory).toBe(`./${name}/${name}.factory#main`);
      const [file = '', exported = ''] = entry.factory.split('#');
      const factory = join(here, `${file}.ts`);
      expect(existsSync(factory)).toBe(true);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the engine loads factories this way
      const module = require(factory) as Record<string, unknown>;
      expect(typeof module[exported]).toBe('function');
    });

    it('has its schema, typings, unit test and templates', () => {
      expect(entry.schema).toBe(`./${name}/schema.json`);
      for (const file of [
        'schema.json',
        `${name}.schema.d.ts`,
        `${name}.factory.test.ts`,
        'files',
      ]) {
        expect(existsSync(join(here, name, file))).toBe(true);
      }
      expect(entry.description).not.toBe('');
    });

    it('has a schema that accepts what the Nest CLI passes', () => {
      const schema = JSON.parse(readFileSync(join(here, entry.schema), 'utf8')) as {
        readonly $id: string;
        readonly type: string;
        readonly properties: Readonly<Record<string, { readonly type: string }>>;
      };
      expect(schema.$id).toMatch(/^RampartSecurity/);
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(NEST_CLI_OPTIONS));
    });
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly main: string;
  readonly types: string;
  readonly schematics: string;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta: Readonly<Record<string, { readonly optional?: boolean }>>;
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const library = read(join(__dirname, 'package.json'));
const workspace = read(join(__dirname, '..', '..', 'package.json'));

/** Source files that end up in the package (not tests, not test helpers, not templates). */
function shippedSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'files' || entry.name === 'testing' ? [] : shippedSources(path);
    }
    return /\.ts$/.test(entry.name) && !/\.(spec|test|contract)\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

/** The package each bare import or export-from statement of `source` names (`@scope/name`). */
function importedPackages(source: string): string[] {
  const statements = /^(?:(?:import|export|\}).*\bfrom |import )'([^'.][^']*)';$/gm;
  const specifiers = [...source.matchAll(statements)].map((match) => match[1]!);
  return specifiers
    .filter((specifier) => !specifier.startsWith('node:') && !builtinModules.includes(specifier))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

describe('libs/security/package.json', () => {
  it('is @rampart/security at the workspace version, MIT', () => {
    expect(library.name).toBe('@rampart/security');
    expect(library.version).toBe(workspace.version);
    expect(library.license).toBe('MIT');
  });

  it('exports the root, ./express, ./testing and ./package.json, and names its schematics', () => {
    expect(library.main).toBe('./index.js');
    expect(library.types).toBe('./index.d.ts');
    expect(library.exports).toEqual({
      '.': { types: './index.d.ts', default: './index.js' },
      './express': { types: './express/index.d.ts', default: './express/index.js' },
      './testing': { types: './testing/index.d.ts', default: './testing/index.js' },
      './package.json': './package.json',
    });
    expect(existsSync(join(__dirname, library.schematics))).toBe(true);
  });

  it('declares every package the library and its schematics import', () => {
    const declared = new Set([
      ...Object.keys(library.dependencies),
      ...Object.keys(library.peerDependencies),
    ]);
    const missing = [join(__dirname, 'src'), join(__dirname, 'schematics')]
      .flatMap(shippedSources)
      .flatMap((file) =>
        importedPackages(readFileSync(file, 'utf8'))
          .filter((name) => name !== '@rampart/security' && !declared.has(name))
          .map((name) => `${name} (${relative(__dirname, file)})`),
      );
    expect(missing).toEqual([]);
  });

  it('asks for the versions the workspace is built and tested with', () => {
    const tested = { ...workspace.dependencies, ...workspace.devDependencies };
    const differing = Object.entries(library.dependencies).filter(
      ([name, range]) => tested[name] !== undefined && tested[name] !== range,
    );
    expect(differing).toEqual([]);
  });

  it('leaves Nest, rxjs and reflect-metadata to the app; @nestjs/testing and Express are optional', () => {
    expect(Object.keys(library.peerDependencies).sort()).toEqual([
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/testing',
      'express',
      'reflect-metadata',
      'rxjs',
      'typescript',
    ]);
    expect(library.peerDependenciesMeta).toEqual({
      // Loaded only by the ./express entry point.
      '@nestjs/platform-express': { optional: true },
      '@nestjs/testing': { optional: true },
      // Loaded only on the Express adapter, which brings it.
      express: { optional: true },
      typescript: { optional: true },
    });
    for (const name of ['@nestjs/common', '@nestjs/core', 'rxjs', 'reflect-metadata']) {
      expect(library.dependencies[name]).toBeUndefined();
    }
  });

  it('imports @nestjs/platform-express only from the ./express entry point', () => {
    const express = join(__dirname, 'src', 'express');
    const importers = shippedSources(join(__dirname, 'src'))
      .filter((file) =>
        importedPackages(readFileSync(file, 'utf8')).includes('@nestjs/platform-express'),
      )
      .map((file) => relative(__dirname, file));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((file) => !join(__dirname, file).startsWith(express))).toEqual([]);
  });
});

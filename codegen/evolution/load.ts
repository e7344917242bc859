/**
 * Loads a contract for comparison: the AsyncAPI document and every file its `$ref`s reach, from the working tree or
 * from a git revision (`git show <ref>:<path>` for each file), with `$ref`s inlined. No @asyncapi/parser: the gate
 * must answer in well under a second, and it compares what the documents say, not what the parser derives.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { childPointer, unescapeToken } from '../input/json-pointer.js';

/** A JSON value of a loaded document; objects carry their origin in {@link LoadedContract.where}. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A contract with references inlined. */
export interface LoadedContract {
  /** The AsyncAPI document, `$ref`s to other files and to components inlined (operation `channel`/`messages` refs kept as strings). */
  readonly document: Record<string, Json>;
  /** `file#/json/pointer` of an inlined object (files relative to the document's directory). */
  where(node: object): string | undefined;
  /** What was read: `path` or `ref:path`. */
  readonly label: string;
  /** The text of every file read, by its path relative to the document's directory (the document's own name first). */
  readonly files: ReadonlyMap<string, string>;
}

/** Reads a file relative to the document's directory. */
type Reader = (relative: string) => string;

/** A git revision (`main`, `HEAD~1`, a hash) or a path to an AsyncAPI document. */
export function loadContract(against: string, currentInput: string): LoadedContract {
  if (/\.(ya?ml|json)$/i.test(against) && fs.existsSync(against)) {
    const dir = path.dirname(path.resolve(against));
    return load(path.basename(against), (relative) => fs.readFileSync(path.join(dir, relative), 'utf8'), against);
  }
  return loadFromGit(against, currentInput);
}

/** The current contract from the working tree. */
export function loadWorkingTree(input: string): LoadedContract {
  return loadContract(input, input);
}

/**
 * The files of `ref` the document reaches, read with one `git cat-file --batch` per level of `$ref`s (the
 * `git show <ref>:<path>` of each file, without a process per file), in the document's directory.
 */
function loadFromGit(ref: string, input: string): LoadedContract {
  const dir = path.dirname(path.resolve(input));
  const entry = path.basename(input);
  const files = new Map<string, string>();
  let pending = [entry];
  while (pending.length > 0) {
    const texts = catFiles(ref, pending, dir);
    const next = new Set<string>();
    pending.forEach((file, i) => {
      const text = texts[i] ?? '';
      files.set(file, text);
      for (const match of text.matchAll(/\$ref["']?\s*:\s*["']?([^"'#\s]+)/g)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1] ?? ''));
        if (!files.has(target)) next.add(target);
      }
    });
    pending = [...next];
  }
  const read: Reader = (relative) => {
    const text = files.get(path.posix.normalize(relative));
    if (text === undefined) throw new Error(`cannot read ${relative} at ${ref}`);
    return text;
  };
  return load(entry, read, `${ref}:${entry}`);
}

/** `git cat-file --batch` for `<ref>:./<file>` of each file: their contents, in order; a missing one is an error. */
function catFiles(ref: string, files: readonly string[], cwd: string): string[] {
  let out: Buffer;
  try {
    out = execFileSync('git', ['cat-file', '--batch'], {
      cwd,
      input: files.map((f) => `${ref}:./${f}\n`).join(''),
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const raw = (error as { stderr?: unknown }).stderr;
    const stderr = (typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '').trim();
    throw new Error(`cannot read the contract at ${ref}: ${stderr === '' ? (error as Error).message : stderr}`, { cause: error });
  }
  const texts: string[] = [];
  let offset = 0;
  for (const file of files) {
    const end = out.indexOf(10, offset);
    const header = out.subarray(offset, end).toString('utf8');
    const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
    if (size === undefined) throw new Error(`cannot read ${file} at ${ref}: ${header.endsWith('missing') ? 'no such file or revision' : header}`);
    texts.push(out.subarray(end + 1, end + 1 + Number(size)).toString('utf8'));
    offset = end + 1 + Number(size) + 1;
  }
  return texts;
}

function load(entry: string, read: Reader, label: string): LoadedContract {
  const origins = new WeakMap<object, string>();
  const documents = new Map<string, Json>();
  const files = new Map<string, string>();
  const documentOf = (file: string): Json => {
    let doc = documents.get(file);
    if (doc === undefined) {
      const text = read(file);
      files.set(file, text);
      try {
        doc = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Json;
      } catch (error) {
        // The YAML library's message goes on with an excerpt of the file: its first line says what is wrong, and where.
        throw new Error(`${label}: ${file} does not parse: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
      }
      documents.set(file, doc);
    }
    return doc;
  };
  const resolved = new Map<string, Json>();
  const visit = (node: Json, file: string, pointer: string, keepRefs: boolean): Json => {
    if (Array.isArray(node)) return node.map((item, i) => visit(item, file, `${pointer}/${String(i)}`, keepRefs));
    if (typeof node !== 'object' || node === null) return node;
    if (typeof node.$ref === 'string' && !keepRefs) {
      const [target = '', fragment = ''] = node.$ref.split('#');
      const targetFile = target === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
      const key = `${targetFile}#${fragment}`;
      const cached = resolved.get(key);
      if (cached !== undefined) return cached;
      const value = visit(follow(documentOf(targetFile), fragment, key), targetFile, fragment, false);
      resolved.set(key, value);
      return value;
    }
    const out: Record<string, Json> = {};
    origins.set(out, `${file}#${pointer}`);
    for (const [key, value] of Object.entries(node)) {
      // Operations refer to channels and messages: keep those references as names, do not inline them.
      const keep = keepRefs || (pointer.startsWith('/operations/') && (key === 'channel' || key === 'messages'));
      out[key] = visit(value, file, childPointer(pointer, key), keep);
    }
    return out;
  };
  const document = visit(documentOf(entry), entry, '', false);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new Error(`${label} is not an AsyncAPI document`);
  return { document, where: (node) => origins.get(node), label, files };
}

function follow(document: Json, pointer: string, key: string): Json {
  let node = document;
  for (const raw of pointer.split('/').slice(1)) {
    const token = unescapeToken(decodeURIComponent(raw));
    if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${key}`);
    const next: Json | undefined = Array.isArray(node) ? node[Number(token)] : node[token];
    if (next === undefined) throw new Error(`unresolved $ref ${key}`);
    node = next;
  }
  return node;
}

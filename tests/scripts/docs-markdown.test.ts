/**
 * The Markdown reference (docs/asyncapi.md) and the `npm run docs` command around it: everything in the contract
 * appears, links land on anchors that exist, output is byte-for-byte deterministic, and `--check` catches a stale
 * file. Runs on the repository's contract and on AsyncAPI's own example documents (shared corpus).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseDocsArgs, usage } from '../../codegen/docs/args.js';
import { DEFAULT_PATHS, buildDocs, checkDocs } from '../../codegen/docs/build.js';
import { SpecLoadError, loadSpec } from '../../codegen/docs/load-spec.js';
import type { LoadedSpec } from '../../codegen/docs/load-spec.js';
import { cell } from '../../codegen/docs/markdown.js';
import { anchor, renderMarkdown } from '../../codegen/docs/render-markdown.js';
import { escapeJsonForScript, renderIndexHtml } from '../../codegen/docs/render-html.js';

const SPEC = path.resolve('asyncapi.yaml');
const CORPUS = '/work/shared/asyncapi-corpus';
const corpusDoc = (name: string): string => path.join(CORPUS, name, 'asyncapi.yaml');

let dir: string;
let contractOnce: Promise<LoadedSpec> | undefined;
/** The repository's contract, parsed once for the whole file (parsing is the slow part of these tests). */
const contract = (): Promise<LoadedSpec> => (contractOnce ??= loadSpec(SPEC));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docs-md-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a small AsyncAPI document to the temp dir and parses it. */
async function inlineSpec(name: string, yaml: string): Promise<LoadedSpec> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, yaml);
  return loadSpec(file);
}

/** Every `](#x)` link target of a Markdown text. */
function linkTargets(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1] ?? '');
}

/** Anchors a git host creates: explicit `<a id>` tags plus the slugs of the fixed section headings. */
function anchorsOf(markdown: string): Set<string> {
  const ids = [...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1] ?? '');
  const sections = [...markdown.matchAll(/^## (Servers|Channels|Operations|Messages)$/gm)].map((m) => (m[1] ?? '').toLowerCase());
  return new Set([...ids, ...sections]);
}

describe('renderMarkdown on the cluster contract', () => {
  let spec: LoadedSpec;
  let markdown: string;

  beforeAll(async () => {
    spec = await contract();
    markdown = renderMarkdown(spec.document);
  });

  it('opens with the title and version, and says it is generated', () => {
    const info = spec.document.info();
    expect(markdown.startsWith(`# ${info.title()} ${info.version()}\n`)).toBe(true);
    expect(markdown).toContain('do not edit by hand');
    expect(markdown.endsWith('\n')).toBe(true);
    expect(markdown.endsWith('\n\n')).toBe(false);
  });

  it('has a section for every server', () => {
    const servers = spec.document.servers().all();
    expect(servers.length).toBeGreaterThan(0);
    for (const server of servers) {
      expect(markdown).toContain(`### \`${server.id()}\``);
      expect(markdown).toContain(`| Host | \`${server.host()}\` |`);
    }
  });

  it('has a heading for every channel address, with each parameter and its description', () => {
    const channels = spec.document.channels().all();
    expect(channels.length).toBeGreaterThanOrEqual(5);
    let parameters = 0;
    for (const channel of channels) {
      const address = channel.address();
      if (typeof address === 'string') expect(markdown).toContain(`### \`${address}\``);
      else expect(markdown).toContain(`### \`${channel.id()}\` (no address)`);
      for (const parameter of channel.parameters().all()) {
        parameters++;
        expect(markdown).toContain(`| \`${parameter.id()}\` | ${cell(parameter.description() ?? '')} |`);
      }
    }
    expect(parameters).toBeGreaterThanOrEqual(2);
  });

  it('describes every operation with its action, channel and reply', () => {
    const operations = spec.document.operations().all();
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      const id = operation.id() ?? '';
      const section = markdown.slice(markdown.indexOf(`<a id="${anchor('operation', id)}"></a>`));
      expect(section).toContain(`| Action | ${operation.action()} |`);
      if (operation.reply() !== undefined) expect(section.split('\n<a id=')[0]).toContain('| Reply messages |');
    }
    expect(operations.some((o) => o.reply() !== undefined)).toBe(true);
  });

  it('has a section for every message with a payload table and each example as a json block', () => {
    const messages = spec.document.messages().all();
    // Driven by the contract: every message it declares (the components), whatever their number.
    expect(messages.length).toBe(Object.keys(spec.document.json().components?.messages ?? {}).length);
    expect(messages.length).toBeGreaterThan(0);
    let examples = 0;
    for (const message of messages) {
      expect(markdown).toContain(`### \`${message.name() ?? message.id()}\``);
      const contentType = message.contentType();
      if (contentType !== undefined) expect(markdown).toContain(`| Content type | \`${contentType}\` |`);
      for (const example of message.examples().all()) {
        examples++;
        expect(markdown).toContain(`\`\`\`json\n${JSON.stringify(example.payload(), null, 2)}\n\`\`\``);
      }
    }
    expect(examples).toBeGreaterThanOrEqual(messages.length);
    expect(markdown).toContain('| Name | Type | Required | Constraints | Description |');
  });

  it('gives each oneOf variant of a payload its own table', () => {
    const withVariants = spec.document
      .messages()
      .all()
      .filter((m) => (m.payload()?.oneOf()?.length ?? 0) > 0);
    expect(withVariants.length).toBeGreaterThan(0);
    for (const message of withVariants) {
      const variants = message.payload()?.oneOf() ?? [];
      expect(markdown).toContain(`Payload is exactly one of ${variants.length} variants (oneOf).`);
      variants.forEach((_, i) => {
        expect(markdown).toContain(`Payload, variant ${i + 1}`);
      });
    }
  });

  it('links only to anchors that exist', () => {
    const anchors = anchorsOf(markdown);
    const targets = linkTargets(markdown);
    expect(targets.length).toBeGreaterThan(20);
    expect(targets.filter((t) => !anchors.has(t))).toEqual([]);
  });

  it('is deterministic: two separate parses give the same bytes', async () => {
    const again = renderMarkdown((await loadSpec(SPEC)).document);
    expect(again).toBe(markdown);
    expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // no build timestamp
  });
});

describe.runIf(existsSync(CORPUS))('renderMarkdown on AsyncAPI example documents', () => {
  it('links a message shared by two channels to its one section (streetlights)', async () => {
    const markdown = renderMarkdown((await loadSpec(corpusDoc('streetlights-mqtt'))).document);
    expect(linkTargets(markdown).filter((t) => !anchorsOf(markdown).has(t))).toEqual([]);
    // `turnOff` refers to the same message as `turnOn`: both link to the single `turnOnOff` section.
    expect(markdown.match(/\[`turnOnOff`\]\(#message-turnon\)/g)?.length).toBeGreaterThanOrEqual(3);
    expect(markdown).toContain('| `port` | `1883` | `1883`, `8883` |');
  });

  it('walks arrays of objects with [] and lists nested variants (gemini)', async () => {
    const markdown = renderMarkdown((await loadSpec(corpusDoc('websocket-gemini'))).document);
    expect(markdown).toContain('| `events[].price` | `number` | no | multiple of 0.01 |');
    expect(markdown).toContain('| `events` | `array<object>` | yes |');
    expect(markdown).toContain('Payload is exactly one of 2 variants (oneOf).');
    expect(markdown).toContain('Example 1: `updateMessage` - Example of an update message');
  });

  it('falls back to the reply channel messages when a reply lists none (kraken)', async () => {
    const markdown = renderMarkdown((await loadSpec(corpusDoc('kraken-websocket-request-reply-multiple-channels'))).document);
    expect(markdown).toContain('| Reply messages | [`pong`](#message-pong) |');
  });

  it('renders message headers as their own table (application-headers)', async () => {
    const markdown = renderMarkdown((await loadSpec(corpusDoc('application-headers'))).document);
    expect(markdown).toMatch(/Headers \(`object`\):\n\n\| Name \| Type/);
  });

  it('renders other corpus documents with working links and deterministic output', async () => {
    // Parsing is the slow part (about a second each on a busy machine), so each document is parsed once.
    for (const name of ['rpc-server', 'oneof', 'slack-rtm', 'gitter-streaming']) {
      const document = (await loadSpec(corpusDoc(name))).document;
      const first = renderMarkdown(document);
      expect(renderMarkdown(document), name).toBe(first);
      expect(
        linkTargets(first).filter((t) => !anchorsOf(first).has(t)),
        name,
      ).toEqual([]);
    }
  });
});

describe('payload tables from small documents', () => {
  const doc = (payload: string): string => `asyncapi: 3.0.0
info: { title: T, version: 1.0.0 }
channels:
  c:
    address: a.b
    messages:
      m:
        name: M
        payload:
${payload
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}
`;

  it('names nested properties with dots, marks required ones, and lists constraints', async () => {
    const spec = await inlineSpec(
      'nested',
      doc(`type: object
additionalProperties: false
required: [outer]
properties:
  outer:
    type: object
    required: [count]
    properties:
      count: { type: integer, minimum: 1, maximum: 10, description: "How many | per batch" }
      label: { type: string, minLength: 1, maxLength: 64, pattern: "^a|b$", default: "a" }
      tags: { type: array, items: { type: string }, minItems: 1, uniqueItems: true }
      kind: { enum: [x, y] }
      fixed: { const: 3 }
      ratio: { type: number, exclusiveMinimum: 0, exclusiveMaximum: 1, deprecated: true }
      map: { type: object, additionalProperties: { type: string } }
      id: { type: [string, "null"], format: uuid }
      anything: {}
      either:
        oneOf:
          - { type: object, title: Left, properties: { l: { type: string } } }
          - { type: string, description: "just text" }`),
    );
    const markdown = renderMarkdown(spec.document);
    expect(markdown).toContain('Payload (`object`, no other properties):');
    expect(markdown).toContain('| `outer` | `object` | yes |');
    expect(markdown).toContain('| `outer.count` | `integer` | yes | >= 1, <= 10 | How many \\| per batch |');
    expect(markdown).toContain('| `outer.label` | `string` | no | length 1..64, pattern: `^a\\|b$`, default: "a" |');
    expect(markdown).toContain('| `outer.tags` | `array<string>` | no | items >= 1, unique items |');
    expect(markdown).toContain('| `outer.kind` | `string` | no | one of: "x", "y" |');
    expect(markdown).toContain('| `outer.fixed` | `number` | no | const: 3 |');
    expect(markdown).toContain('| `outer.ratio` | `number` | no | > 0, < 1, deprecated |');
    expect(markdown).toContain('| `outer.map` | `object` | no | other properties: string |');
    expect(markdown).toContain('| `outer.id` | `string \\| null` | no | format: uuid |');
    expect(markdown).toContain('| `outer.anything` | `any` | no |');
    expect(markdown).toContain('| `outer.either` | `oneOf` | no |');
    expect(markdown).toContain('Payload `outer.either` is exactly one of 2 variants (oneOf).');
    expect(markdown).toContain('Payload `outer.either`, variant 1 (`Left`):');
    expect(markdown).toContain('| `outer.either.l` | `string` | no |');
    expect(markdown).toContain('Payload `outer.either`, variant 2: just text');
  });

  it('merges allOf branches into one table and shows a non-object payload as one row', async () => {
    const merged = await inlineSpec(
      'allof',
      doc(`allOf:
  - { type: object, required: [a], properties: { a: { type: string } } }
  - { type: object, properties: { b: { type: boolean, description: "flag" } } }`),
    );
    const markdown = renderMarkdown(merged.document);
    expect(markdown).toContain('Payload (`object`):');
    expect(markdown).toContain('| `a` | `string` | yes |');
    expect(markdown).toContain('| `b` | `boolean` | no |  | flag |');

    const scalar = await inlineSpec('scalar', doc('{ type: string, enum: [on, off], description: "switch" }'));
    expect(renderMarkdown(scalar.document)).toContain('| `(payload)` | `string` | yes | one of: "on", "off" | switch |');
  });

  it('walks arrays of arrays and anyOf at the root', async () => {
    const spec = await inlineSpec(
      'anyof-root',
      doc(`anyOf:
  - type: object
    properties:
      rows: { type: array, items: { type: array, items: { type: object, properties: { v: { type: integer } } } } }
  - { type: integer, multipleOf: 2, minProperties: 1 }`),
    );
    const markdown = renderMarkdown(spec.document);
    expect(markdown).toContain('Payload is at least one of 2 variants (anyOf).');
    expect(markdown).toContain('| `rows` | `array<array<object>>` | no |');
    expect(markdown).toContain('| `rows[][].v` | `integer` | no |');
    expect(markdown).toContain('| `(payload)` | `integer` | yes | multiple of 2, properties >= 1 |');
  });
});

// Cells, code spans, tables and headings come from codegen/docs/markdown.ts (tests/codegen/docs/markdown.test.ts).
describe('Markdown anchors', () => {
  it('makes stable, html-safe anchors', () => {
    expect(anchor('channel', 'worker.{workerId}.inference')).toBe('channel-worker-workerid-inference');
    expect(anchor('message', '--Odd  Name--')).toBe('message-odd-name');
  });
});

describe('index.html', () => {
  it('embeds the parsed document so that no text in it can end the script element', () => {
    const html = renderIndexHtml('A <b> & "c"', JSON.stringify({ d: '</script><script>alert(1)</script>&\u2028' }));
    expect(html).toContain('<title>A &lt;b&gt; &amp; &quot;c&quot;</title>');
    expect(html.match(/<\/script>/g)?.length).toBe(3); // only the page's own three scripts close
    const embedded = /<script id="asyncapi-document" type="application\/json">(.*)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(embedded)).toEqual({ d: '</script><script>alert(1)</script>&\u2028' });
    expect(escapeJsonForScript('"<>&"')).toBe('"\\u003c\\u003e\\u0026"');
  });

  it('turns on every section, the sidebar and open message examples, and loads nothing from outside', () => {
    const html = renderIndexHtml('T', '{}');
    expect(html).toContain('"messageExamples":true');
    expect(html).toContain('"expand":{"messageExamples":true}');
    expect(html).toContain('"sidebar":true');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe('buildDocs and checkDocs', () => {
  it('writes the site and the Markdown, then finds it up to date', async () => {
    const out = path.join(dir, 'build');
    const paths = { input: SPEC, siteDir: path.join(out, 'site'), markdownFile: path.join(out, 'asyncapi.md') };
    // No released version (an empty versions directory): one version, the working tree's.
    await mkdir(path.join(out, 'no-releases'), { recursive: true });
    const result = await buildDocs(paths, { releases: { versionsDir: path.join(out, 'no-releases') } });
    expect(result.written.map((f) => path.relative(out, f)).sort()).toEqual([
      'asyncapi.md',
      'site/assets/asyncapi-standalone.js',
      'site/assets/asyncapi.min.css',
      'site/index.html',
      'site/versions.json',
      'site/versions/working-tree/index.html',
    ]);
    expect(result.versions.map((v) => v.label)).toEqual([`${(await contract()).document.info().version()} (working tree)`]);
    expect(result.channels).toContain('worker.{workerId}.inference');
    expect(result.messages).toContain('WorkerHeartbeat');
    const css = await readFile(path.join(out, 'site/assets/asyncapi.min.css'), 'utf8');
    expect(css).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//); // the stylesheet pulls in nothing remote
    expect(await checkDocs(paths)).toEqual([]);
  });

  it('reports a stale or missing Markdown file and writes nothing', async () => {
    const markdownFile = path.join(dir, 'stale.md');
    const fresh = renderMarkdown((await contract()).document);
    await writeFile(markdownFile, fresh.replace('WorkerHeartbeat', 'WorkerHeartbeet'));
    expect(await checkDocs({ input: SPEC, markdownFile })).toEqual([markdownFile]);
    expect(await readFile(markdownFile, 'utf8')).not.toBe(fresh);
    const missing = path.join(dir, 'missing.md');
    expect(await checkDocs({ input: SPEC, markdownFile: missing })).toEqual([missing]);
    expect(existsSync(missing)).toBe(false);
  });

  it('stops on an invalid contract with each problem located, and on a missing file with what to do', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'asyncapi: 3.0.0\ninfo:\n  title: Broken\nchannels: 7\n');
    const error = await loadSpec(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecLoadError);
    expect((error as Error).message).toMatch(/is not valid \(\d+ error\(s\)\)/);
    expect((error as Error).message).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
    await expect(loadSpec(path.join(dir, 'nope.yaml'))).rejects.toThrow(/Cannot read .*nope\.yaml.*--input/);
  });
});

describe('command line', () => {
  it('parses the modes and options', () => {
    expect(parseDocsArgs([])).toEqual({
      mode: 'build',
      paths: DEFAULT_PATHS,
      releases: { tags: undefined, versionsDir: undefined },
      port: DEFAULT_PORT,
      defaultPort: true,
    });
    expect(parseDocsArgs(['--tags', 'v*']).releases).toEqual({ tags: 'v*', versionsDir: undefined });
    expect(parseDocsArgs(['--versions', 'contract-versions']).releases).toEqual({ tags: undefined, versionsDir: 'contract-versions' });
    expect(parseDocsArgs(['--help']).mode).toBe('help');
    expect(parseDocsArgs(['--check']).mode).toBe('check');
    expect(parseDocsArgs(['--serve', '--port', '0'])).toMatchObject({ mode: 'serve', port: 0, defaultPort: false });
    expect(parseDocsArgs(['--input', 'x.yaml', '--out', 'o']).paths).toEqual({
      input: 'x.yaml',
      siteDir: 'o',
      markdownFile: path.join('o', 'asyncapi.md'),
    });
    expect(parseDocsArgs(['--out', 'o', '--markdown', 'm.md']).paths.markdownFile).toBe('m.md');
  });

  it('rejects bad arguments with the usage line', () => {
    expect(() => parseDocsArgs(['--check', '--serve'])).toThrow(/cannot be combined[\s\S]*Usage/);
    expect(() => parseDocsArgs(['--tags', 'v*', '--versions', 'd'])).toThrow(/--tags and --versions cannot be combined/);
    // The usage names the command as it is typed: options after `--` for an npm script.
    expect(usage('npm run docs')).toMatch(/^Usage: npm run docs -- \[--check\]/);
    expect(usage('mlx-codegen docs')).toMatch(/^Usage: mlx-codegen docs \[--check\]/);
    expect(() => parseDocsArgs(['--port', 'abc'])).toThrow(/--port must be a whole number.*"abc"/);
    expect(() => parseDocsArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseDocsArgs(['--nope'])).toThrow(/Unknown option '--nope'[\s\S]*Usage/);
  });

  /** Runs `tsx scripts/docs.ts` and collects its output; stops it with SIGINT once `until` matches stdout. */
  function runDocs(args: string[], until?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/docs.ts', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (until?.test(stdout) === true) {
          until = undefined;
          child.emit('ready', stdout);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('ready', () => {
        const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1] ?? '';
        fetch(url)
          .then(async (res) => {
            stdout += `\nFETCH ${res.status} ${res.headers.get('content-type') ?? ''} ${(await res.text()).length > 0}`;
          })
          .catch((e: unknown) => (stderr += String(e)))
          .finally(() => child.kill('SIGINT'));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('--check exits 1 naming the stale file and writes nothing', async () => {
    // The up-to-date case (exit 0) runs in CI on the real docs/asyncapi.md; checkDocs covers it here.
    const markdownFile = path.join(dir, 'cli.md');
    await writeFile(markdownFile, 'old\n');
    const stale = await runDocs(['--check', '--input', SPEC, '--markdown', markdownFile]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('cli.md is out of date');
    expect(await readFile(markdownFile, 'utf8')).toBe('old\n');
  }, 60_000);

  it('--serve builds, serves on 127.0.0.1 and stops cleanly on Ctrl-C', async () => {
    const out = path.join(dir, 'served');
    const run = await runDocs(['--serve', '--port', '0', '--input', SPEC, '--out', out], /Serving .* at http/);
    expect(run.stdout).toMatch(/Serving the AsyncAPI docs at http:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stdout).toContain('FETCH 200 text/html; charset=utf-8 true');
    expect(run.stdout).toContain('Stopped the docs server.');
    expect(run.code).toBe(0);
  }, 60_000);
});

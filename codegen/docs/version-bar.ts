/**
 * The version switcher at the top of every page of a versioned docs site: a select of every version, newest first,
 * that opens the chosen version's page, and a link to the changelog of the version shown. Plain HTML with relative
 * links (and one inline handler), so it works from disk and from any server path, and asks no host for anything.
 */
import { escapeHtml } from './render-html.js';

/** One version as the switcher lists it. */
export interface BarVersion {
  readonly slug: string;
  /** What the switcher shows: `1.2.0`, `1.3.0 (working tree)`. */
  readonly label: string;
  /** The version it is compared with on its changelog page; undefined for the first version (no changelog). */
  readonly previous: string | undefined;
  readonly version: string;
}

/** Where a page is: the root page, a version's contract page or its changelog. */
export type PagePlace = { kind: 'root' } | { kind: 'version' | 'changelog'; slug: string };

const STYLE = 'display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:0.5rem 1rem;background:#1f2937;color:#f9fafb;font:14px system-ui,sans-serif';
const LINK_STYLE = 'color:#93c5fd';

/** The path from a page at `from` to the site's root. */
export function rootOf(from: PagePlace): string {
  return from.kind === 'root' ? '' : '../../';
}

/** The href, from a page at `from`, of `slug`'s page of `kind`. */
export function hrefTo(from: PagePlace, slug: string, kind: 'version' | 'changelog'): string {
  return `${rootOf(from)}versions/${encodeURIComponent(slug)}/${kind === 'version' ? 'index.html' : 'changelog.html'}`;
}

/**
 * The bar for a page at `place` showing `shown` (a slug of `versions`), `versions` oldest first. Ids and data
 * attributes name its parts for tests and for readers' own scripts.
 */
export function renderVersionBar(versions: readonly BarVersion[], shown: string, place: PagePlace): string {
  const current = versions.find((v) => v.slug === shown);
  const options = [...versions]
    .reverse()
    .map((v) => `<option value="${escapeHtml(hrefTo(place, v.slug, 'version'))}"${v.slug === shown ? ' selected' : ''}>${escapeHtml(v.label)}</option>`)
    .join('');
  const parts = [
    `<label for="mlx-version-select">Contract version</label>`,
    `<select id="mlx-version-select" data-versions="${String(versions.length)}" onchange="window.location.href = this.value">${options}</select>`,
  ];
  if (current?.previous !== undefined && place.kind !== 'changelog') {
    parts.push(
      `<a id="mlx-changelog-link" style="${LINK_STYLE}" href="${escapeHtml(hrefTo(place, current.slug, 'changelog'))}">What changed in ${escapeHtml(current.version)} since ${escapeHtml(current.previous)}</a>`,
    );
  }
  if (current !== undefined && place.kind === 'changelog') {
    parts.push(
      `<a id="mlx-contract-link" style="${LINK_STYLE}" href="${escapeHtml(hrefTo(place, current.slug, 'version'))}">The ${escapeHtml(current.version)} contract</a>`,
    );
  }
  return `<nav id="mlx-versions" aria-label="Contract versions" style="${STYLE}">${parts.join('')}</nav>\n`;
}

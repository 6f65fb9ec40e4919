import type { MdmSourceName } from '../../domain/hardware/mdm-source.js';
import { MdmSourceFailure } from '../../application/ports/mdm-source.js';

/** 1,000 pages of 1,000–2,000 devices: far above any real tenant, low enough that a loop ends. */
export const DEFAULT_MAX_PAGES = 1000;

/**
 * Entries that are not device records, in one listing, before it is taken for something other than a
 * device listing. Each one is recorded in the run as a device's error, so a server that pages on
 * with nothing but such entries would otherwise have millions recorded.
 */
export const MAX_UNREADABLE_ENTRIES = 10_000;

/**
 * The longest paging link followed. Graph's are a few hundred characters; every link followed is kept
 * to refuse a second visit, and each would go out as a request line.
 */
export const MAX_LINK_CHARS = 8_192;

/**
 * Keeps a listing finite and at home: a paging link is followed only on the configured origin, never
 * twice, and never past the page bound; and it stops once more entries than any real listing has
 * could not be read as devices.
 */
export class PagingGuard {
  private readonly followed = new Set<string>();
  pages = 1;
  private unreadable = 0;

  constructor(
    private readonly product: string,
    private readonly origin: string,
    private readonly maxPages: number,
    private readonly source: MdmSourceName,
  ) {}

  /** The link to fetch next, or a failure that stops the run and says why. */
  follow(link: string): string {
    if (link.length > MAX_LINK_CHARS) {
      throw this.stop(
        `${this.product} sent a paging link of ${link.length.toLocaleString('en-US')} characters; one over ${MAX_LINK_CHARS.toLocaleString('en-US')} is not followed.`,
        'Run the import again; if it repeats, check the address is the MDM itself and report it to the MDM vendor.',
      );
    }
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw this.stop(`${this.product} sent a paging link that is not a URL (${JSON.stringify(link.slice(0, 120))}).`, 'Run the import again; if it repeats, report it to the MDM vendor.');
    }
    if (url.origin !== this.origin) {
      throw this.stop(
        `${this.product} sent a paging link to another origin (${url.origin}), not the configured ${this.origin}. It was not followed, and no credential or token was sent there.`,
        `If the tenant really moved to ${url.origin}, change the connector's address in Settings → Integrations (the secret must be typed again); otherwise tell your security team.`,
      );
    }
    if (this.followed.has(url.href)) {
      throw this.stop(`${this.product} linked back to a page it had already sent (page ${this.pages + 1} repeats an earlier one): the listing would never end.`, 'Run the import again later; if it repeats, report it to the MDM vendor.');
    }
    this.pages += 1;
    if (this.pages > this.maxPages) {
      throw this.stop(`${this.product} kept linking to more pages past ${this.maxPages} pages.`, 'Check the tenant in the MDM; raise MDM_MAX_PAGES only if the fleet really is that large.');
    }
    this.followed.add(url.href);
    return url.href;
  }

  /** Counts a page asked for by number (Jamf), under the same bound. */
  next(): void {
    this.pages += 1;
    if (this.pages > this.maxPages) {
      throw this.stop(`${this.product} kept serving full pages past ${this.maxPages} pages.`, 'Check the tenant in the MDM; raise MDM_MAX_PAGES only if the fleet really is that large.');
    }
  }

  /** Counts a page's entries that were not device records; past the bound the listing stops. */
  unreadableEntries(count: number, what: string): void {
    this.unreadable += count;
    if (this.unreadable > MAX_UNREADABLE_ENTRIES) {
      throw this.stop(
        `${this.product} sent over ${MAX_UNREADABLE_ENTRIES.toLocaleString('en-US')} entries that are not device records in ${what}; it was not read further.`,
        'Check the address is the MDM itself (Settings → Integrations); the entries read before are listed in the run by position.',
      );
    }
  }

  private stop(message: string, fix: string): MdmSourceFailure {
    return new MdmSourceFailure(this.source, message, fix);
  }
}

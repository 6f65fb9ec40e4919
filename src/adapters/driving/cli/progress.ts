import { SingleBar } from 'cli-progress';
import type { ImportObserver, ImportProgress } from '../../../application/commands/import-from-mdm.js';

export interface ProgressDisplay extends ImportObserver {
  stop(): void;
}

function counted(p: ImportProgress): string {
  const c = p.counts;
  return `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.skipped} skipped, ${c.errors} errors`;
}

/** One line per page: what a log file or a pipe can keep. */
export function progressLines(write: (line: string) => void): ProgressDisplay {
  return {
    progress: (p) => write(`page ${p.page}: ${p.devicesRead}${p.announcedTotal !== null ? ` of ${p.announcedTotal}` : ''} devices read (${counted(p)})`),
    stop: () => undefined,
  };
}

/**
 * A bar on a terminal. With no total from the MDM (Graph gives none) the bar's end follows what was
 * read, so it shows the count and the pace rather than a made-up share.
 */
export function progressBar(stream: NodeJS.WritableStream): ProgressDisplay {
  const bar = new SingleBar({
    stream,
    format: '{source} [{bar}] {value}/{total} devices | {counts} | {duration_formatted}',
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
  });
  let started = false;
  let source = '';
  return {
    started: (run) => (source = run.source),
    progress: (p) => {
      const total = Math.max(p.announcedTotal ?? p.devicesRead, p.devicesRead);
      if (!started) bar.start(total, 0, { source, counts: '' });
      started = true;
      bar.setTotal(total);
      bar.update(p.devicesRead, { source, counts: counted(p) });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

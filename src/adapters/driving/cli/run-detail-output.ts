import type { RunDetail, RunDetailOptions } from '../../../application/queries/import-history.js';
import { StreamedJsonObject } from '../streamed-json.js';
import { missingLines, outcomeLines, runDetail, runsTable } from './format.js';
import { printable } from './printable.js';

/** Writes a piece of the output; resolves once it is taken. */
export type Write = (text: string) => Promise<void>;

export interface RunDetailOutput {
  /** What the history's reader hands each ended run's summary, outcomes and missing devices to. */
  handOver: Pick<RunDetailOptions, 'onSummary' | 'onOutcomes' | 'onMissing'>;
  /** Writes what is left of the run (all of it, for a run still going). */
  end(run: RunDetail): Promise<void>;
}

/**
 * One run's devices written as its events are read, as text or as JSON laid out as the other
 * commands' `--json` is: a run of 200,000 devices is some 48 MB of JSON, which the CLI need not hold.
 */
export function runDetailOutput(asJson: boolean, write: Write): RunDetailOutput {
  return asJson ? jsonOutput(write) : textOutput(write);
}

function jsonOutput(write: Write): RunDetailOutput {
  const body = new StreamedJsonObject({ write, end: (text) => write(`${text}\n`) }, { indent: 2 });
  return {
    handOver: { onOutcomes: (outcomes) => body.add('outcomes', outcomes), onMissing: (devices) => body.add('missing', devices) },
    end: (run) => (body.hasStarted ? body.end({ ...run }) : write(`${JSON.stringify(run, null, 2)}\n`)),
  };
}

function textOutput(write: Write): RunDetailOutput {
  let started = false;
  const lines = (text: string[]) => (text.length > 0 ? write(`${printable(text.join('\n'), { keepLineBreaks: true })}\n`) : Promise.resolve());
  return {
    handOver: {
      onSummary: (summary) => {
        started = true;
        return lines([runsTable([summary])]);
      },
      onOutcomes: (outcomes) => lines(outcomeLines(outcomes)),
      onMissing: (devices) => lines(missingLines(devices)),
    },
    end: async (run) => {
      if (!started) await lines([runDetail(run)]);
    },
  };
}

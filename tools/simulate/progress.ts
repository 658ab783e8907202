import { Presets, SingleBar } from 'cli-progress';
import type { SendTally } from './sender.js';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface Progress {
  update(tally: SendTally): void;
  stop(): void;
}

const PLAIN_STEPS = 10;

/** A bar on a terminal; on anything else (CI logs, pipes) a plain line every tenth of the way. */
export function createProgress(total: number, mode: ProgressMode, stream: NodeJS.WritableStream & { isTTY?: boolean }): Progress {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  const started = performance.now();
  const rate = (done: number) => Math.round(done / Math.max((performance.now() - started) / 1000, 0.001));
  const failed = (t: SendTally) => t.quarantined + t.non2xx + t.errors;
  if (resolved === 'none' || total === 0) return { update: () => {}, stop: () => {} };
  if (resolved === 'lines') {
    let reported = 0;
    return {
      update(tally) {
        const step = Math.floor((tally.sent * PLAIN_STEPS) / total);
        if (step <= reported) return;
        reported = step;
        stream.write(
          `sent ${tally.sent}/${total} (${Math.round((tally.sent / total) * 100)}%) queued ${tally.acknowledged} ` +
            `duplicate ${tally.duplicates} failed ${failed(tally)} ${rate(tally.sent)} ev/s\n`,
        );
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar(
    {
      format:
        'sending |{bar}| {percentage}% {value}/{total} | {speed} ev/s | queued {queued} dup {duplicates} failed {failed} | ETA {eta_formatted}',
      stream,
      hideCursor: true,
      etaBuffer: 200,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { speed: 0, queued: 0, duplicates: 0, failed: 0 });
  return {
    update(tally) {
      bar.update(tally.sent, { speed: rate(tally.sent), queued: tally.acknowledged, duplicates: tally.duplicates, failed: failed(tally) });
    },
    stop: () => bar.stop(),
  };
}

import { Presets, SingleBar } from 'cli-progress';
import type { ReconcileRunView } from '@app/reconciliation';
import type { ProgressMode } from '../simulate/progress.js';

export interface ReconcileProgress {
  update(run: ReconcileRunView): void;
  stop(): void;
}

const counts = (run: ReconcileRunView) =>
  `pages ${run.pages} · listed ${run.listed} · already known ${run.alreadyKnown} · queued ${run.queued}`;

/**
 * The run's counts as it goes. Flexport does not say how many events a window holds, so the bar
 * fills page by page towards a total that grows while there are pages left; on anything but a
 * terminal, a line each time the counts change.
 */
export function createReconcileProgress(mode: ProgressMode, stream: NodeJS.WritableStream & { isTTY?: boolean }): ReconcileProgress {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return { update: () => {}, stop: () => {} };
  if (resolved === 'lines') {
    let last = '';
    return {
      update(run) {
        const line = `reconcile ${run.status}: ${counts(run)}`;
        if (line !== last) stream.write(`${line}\n`);
        last = line;
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar(
    {
      format: 'reconciling |{bar}| pages {value} | listed {listed} | already known {alreadyKnown} | queued {queued} | {duration_formatted}',
      stream,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  bar.start(1, 0, { listed: 0, alreadyKnown: 0, queued: 0 });
  return {
    update(run) {
      const total = run.status === 'running' ? run.pages + 1 : Math.max(run.pages, 1);
      bar.setTotal(total);
      bar.update(run.status === 'running' ? run.pages : total, { listed: run.listed, alreadyKnown: run.alreadyKnown, queued: run.queued });
    },
    stop: () => bar.stop(),
  };
}

/**
 * Worker-thread side of VisionThread: one VisionStage, driven by messages handled strictly in
 * order, so a window's `take` always follows the `add` of any frame posted before it. Frames
 * arrive as transferred buffers (moved, not copied) and are dropped once analysed [PRIV-1].
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VisionStage } from '../vision/stage.ts';
import type { VisionThreadInit, VisionThreadRequest, VisionThreadReply } from './vision-thread.ts';

const init = workerData as VisionThreadInit;
const stage = new VisionStage(init.settings, init.windowS, {
  ...(init.manifestPath ? { manifestPath: init.manifestPath } : {}),
});
const port = parentPort!;
const reply = (r: VisionThreadReply) => port.postMessage(r);
let chain: Promise<void> = Promise.resolve();

async function handle(m: VisionThreadRequest): Promise<void> {
  switch (m.type) {
    case 'start':
      return reply({ type: 'started', reason: await stage.start() });
    case 'add':
      try {
        await stage.add(m.ptsS, { width: m.width, height: m.height, rgb: m.rgb });
        return reply({ type: 'added', code: null });
      } catch (err) {
        return reply({ type: 'added', code: (err as { code?: string }).code ?? 'error' });
      }
    case 'take':
      return reply({ type: 'taken', ...stage.take(m.index, m.durationS) });
    case 'stop':
      await stage.stop();
      reply({ type: 'stopped' });
      port.close();
  }
}

port.on('message', (m: VisionThreadRequest) => {
  chain = chain.then(() => handle(m));
});

// The classroom source: the simulator in a Web Worker (src/platform/browser/classroom.worker.ts).
// The store talks to any Source; later ones (a live node's worker, a WAL replay) plug in the same way.
import type { ClassroomCommand, ClassroomMessage } from '../observe/classroom.js';
import type { Source } from '../observe/protocol.js';

export type { Source };

export function classroomWorkerSource(): Source<ClassroomCommand, ClassroomMessage> {
  const worker = new Worker(new URL('../platform/browser/classroom.worker.ts', import.meta.url), { type: 'module' });
  return {
    send: (cmd) => worker.postMessage(cmd),
    onMessage: (cb) => {
      worker.onmessage = (e: MessageEvent<ClassroomMessage>) => cb(e.data);
    },
    close: () => worker.terminate(),
  };
}

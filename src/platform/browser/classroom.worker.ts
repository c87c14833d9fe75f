// The classroom's Web Worker: the ClassroomDriver (a ClassroomSession paced against the wall
// clock) posting frames of the observation model to the page.
/// <reference lib="webworker" />
import type { ClassroomCommand } from '../../observe/classroom.js';
import { ClassroomDriver } from './classroom-driver.js';

const driver = new ClassroomDriver((msg, transfer = []) => (self as unknown as Worker).postMessage(msg, transfer), {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
});

self.onmessage = (e: MessageEvent<ClassroomCommand>) => driver.command(e.data);

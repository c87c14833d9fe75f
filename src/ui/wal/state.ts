// What the WAL debugger's views show besides the frames (those go through the store, ../store.ts):
// the files and genesis files loaded, the load's progress, and per file the signature verdicts,
// the diagnosis, the records around the position and the merged timeline. `reduceWal` applies one
// worker message; it is pure, the wiring is in ./debugger.ts.
import { create } from 'zustand';
import type { Diagnosis } from '../../observe/diagnosis.js';
import type { GenesisInfo, MergedView, WalDebuggerMessage, WalFileInfo } from '../../observe/wal-debugger.js';
import type { WalLink } from './link.js';

type Msg<T extends WalDebuggerMessage['type']> = Extract<WalDebuggerMessage, { type: T }>;
export type ProgressMessage = Msg<'progress'>;
export type SignaturesMessage = Msg<'signatures'>;
export type LinesMessage = Msg<'lines'>;
export type RecordMessage = Msg<'record'>;

export interface WalState {
  files: WalFileInfo[];
  genesis: GenesisInfo[];
  /** a load is going on */
  busy: boolean;
  progress: ProgressMessage | null;
  /** the file the console replays (its id), or null before one is loaded */
  selected: number | null;
  signatures: Record<number, SignaturesMessage>;
  diagnosis: Record<number, Diagnosis>;
  merged: MergedView | null;
  lines: LinesMessage | null;
  /** the record picked on the merged timeline, with its send */
  picked: RecordMessage | null;
  notice: string | null;
  /** a shared link's position, until the file it names is loaded */
  wanted: WalLink | null;
  /** the last link made by "Copy link" */
  link: string | null;
}

export const EMPTY_WAL: WalState = {
  files: [],
  genesis: [],
  busy: false,
  progress: null,
  selected: null,
  signatures: {},
  diagnosis: {},
  merged: null,
  lines: null,
  picked: null,
  notice: null,
  wanted: null,
  link: null,
};

export const useWal = create<WalState>(() => EMPTY_WAL);

/** The state after one message of the worker (frames, errors and exports are not kept here). */
export function reduceWal(s: WalState, m: WalDebuggerMessage): Partial<WalState> {
  switch (m.type) {
    case 'progress':
      return { progress: m, busy: true };
    case 'files':
      // none (yet, or cleared): what was shown of the files goes; a genesis given first stays listed
      if (m.files.length === 0) return { ...EMPTY_WAL, genesis: m.genesis, busy: m.busy, progress: m.busy ? s.progress : null, wanted: s.wanted, notice: s.notice };
      return { files: m.files, genesis: m.genesis, busy: m.busy, progress: m.busy ? s.progress : null };
    case 'signatures':
      return { signatures: { ...s.signatures, [m.file]: m } };
    case 'diagnosis':
      return { diagnosis: { ...s.diagnosis, [m.file]: m.diagnosis } };
    case 'merged':
      return { merged: m.merged, picked: null };
    case 'lines':
      return m.file === s.selected ? { lines: m } : {};
    case 'record':
      return { picked: m };
    default:
      return {};
  }
}

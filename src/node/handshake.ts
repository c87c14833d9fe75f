// The Handshaker (spec §11.2), reduced to what in-process applications need: bring a fresh or
// restarted app to the height of the stores, finishing a block the node saved but did not apply.
import type { Application } from '../core/app/application.js';
import type { ChainState } from '../core/state/chain-state.js';
import type { GenesisDoc } from '../core/state/genesis.js';
import { genesisState } from '../core/state/genesis.js';
import { applyBlock, blockHash } from '../core/state/execution.js';
import { bytesEqual, toHex } from '../core/bytes.js';
import { PrevoteError } from '../core/errors.js';
import type { BlockStore, StateStore } from './ports.js';

/** The stores and the application disagree in a way replay cannot mend; the node must not start. */
export class HandshakeError extends PrevoteError {}

/** Returns the state consensus starts from; saves it when the handshake had to advance it. */
export async function handshake(app: Application, genesis: GenesisDoc, blockStore: BlockStore, stateStore: StateStore): Promise<ChainState> {
  let state = stateStore.load() ?? genesisState(genesis);
  const info = app.info();
  let appHeight = info.lastBlockHeight;
  if (appHeight === 0) {
    app.initChain({
      time: genesis.genesisTime,
      chainId: genesis.chainId,
      initialHeight: genesis.initialHeight,
      validators: genesis.validators.map((v) => ({ pubKey: v.pubKey, power: v.power })),
      appStateBytes: new Uint8Array(0),
    });
  }
  const storeHeight = blockStore.height();
  const stateHeight = state.lastBlockHeight;
  const heights = { appHeight, storeHeight, stateHeight };
  if (storeHeight < appHeight) throw new HandshakeError('ErrAppBlockHeightTooHigh', `app height ${appHeight} is above the block store height ${storeHeight}`, heights);
  if (storeHeight < stateHeight) throw new HandshakeError('ErrStateHeightTooHigh', `state height ${stateHeight} is above the block store height ${storeHeight}`, heights);
  if (storeHeight > stateHeight + 1) throw new HandshakeError('ErrBlockStoreTooHigh', `block store height ${storeHeight} is more than one above the state height ${stateHeight}`, heights);

  // Blocks the state already reflects: run them through the app only (ExecCommitBlock).
  for (let h = appHeight + 1; h <= stateHeight; h++) {
    await blockStore.prefetch?.(h);
    const block = blockStore.loadBlock(h);
    if (!block) throw new HandshakeError('ErrMissingBlock', `block ${h} is missing from the block store`, { height: h });
    app.finalizeBlock({ txs: block.data.txs, height: h, hash: blockHash(block), time: block.header.time, proposerAddress: block.header.proposerAddress });
    app.commit();
    appHeight = h;
  }
  // A block saved but not applied (crash between saveBlock and saveState): apply it fully.
  if (storeHeight === stateHeight + 1) {
    await blockStore.prefetch?.(storeHeight);
    const block = blockStore.loadBlock(storeHeight)!;
    const meta = blockStore.loadBlockMeta(storeHeight)!;
    const res = applyBlock(state, meta.blockId, block, app);
    state = res.state;
    await stateStore.save(state, res.response);
  }
  const appHash = app.info().lastBlockAppHash;
  if (state.lastBlockHeight > 0 && !bytesEqual(appHash, state.appHash)) {
    throw new HandshakeError('ErrAppHashMismatch', `app hash ${toHex(appHash)} does not match the state's ${toHex(state.appHash)}: was the app reset without the node?`, { height: state.lastBlockHeight });
  }
  return state;
}

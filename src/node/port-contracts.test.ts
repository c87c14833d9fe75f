// The Scheduler and PeerTransport contracts against the simulator's virtual clock and links, and
// the real-time scheduler. A libp2p transport runs peerTransportContract with its own harness.
import { describe, it } from 'vitest';
import { peerTransportContract, schedulerContract } from './port-contracts.js';
import { realTimeScheduler } from './real-time-scheduler.js';
import { VirtualClock } from '../sim/clock.js';
import { SimNetwork } from '../sim/network.js';
import { Prng } from '../sim/prng.js';

describe('port contracts', () => {
  it('Scheduler: the virtual clock', async () => {
    const clock = new VirtualClock(1000);
    await schedulerContract({
      scheduler: clock,
      advance: async (ms) => {
        const target = clock.now() + ms;
        clock.after(ms, () => undefined); // time moves to the target even with nothing else due
        while ((clock.peek() ?? Infinity) <= target) clock.fireNext();
      },
    });
  });

  it('Scheduler: real time', async () => {
    await schedulerContract({ scheduler: realTimeScheduler, advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
  });

  it('PeerTransport: the simulator’s links', async () => {
    const clock = new VirtualClock();
    const net = new SimNetwork(clock, new Prng(7), { delayMin: 1, delayMax: 40, dropRate: 0 });
    await peerTransportContract({
      async connect(a, b) {
        net.setTopology(['a', 'b'], { kind: 'full' });
        net.attachSwitch('a', a);
        net.attachSwitch('b', b);
        return { a: { id: 'a', transport: net.transportFor('a') }, b: { id: 'b', transport: net.transportFor('b') } };
      },
      async settle() {
        while (clock.fireNext());
      },
    });
  });
});

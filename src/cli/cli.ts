// `prevote <command>` without the process around it: main.ts runs it, tests call it in-process.
import { UsageError } from './args.js';
import { runSimCommand, SIM_HELP } from './sim.js';
import { runWalCommand, WAL_HELP } from './wal.js';
import { NODE_HELP, runNodeCommand } from './node.js';
import { HUB_HELP, runHubCommand } from './hub.js';
import { runTestnetCommand, TESTNET_HELP } from './testnet.js';

export const HELP = `prevote — Tendermint BFT consensus you can watch, run and debug

Usage: prevote <command> [options]

Commands:
  testnet run a local chain: a hub serving the app and N validators, each its own process, over libp2p
  node    run one node (validator or full node) from its home directory
  hub     run a hub: a node with peer exchange, WebSockets, a relay for browsers and the app over HTTP
  sim     run a deterministic simulation of N validators and print a summary
  wal     inspect, export, verify, replay or repair WAL files (Prevote, CometBFT, Tendermint v0.10)

Run 'prevote <command> --help' for a command's options.`;

const commands: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
  sim: { help: SIM_HELP, run: (args) => runSimCommand(args) },
  wal: { help: WAL_HELP, run: runWalCommand },
  node: { help: NODE_HELP, run: (args) => runNodeCommand(args) },
  hub: { help: HUB_HELP, run: (args) => runHubCommand(args) },
  testnet: { help: TESTNET_HELP, run: runTestnetCommand },
};

/** Control characters (from a file's bytes quoted in a parser's message) escaped: one line stays one line. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * Runs a command and returns its exit status. Every problem is one line on stderr and status 2:
 * a bad flag or file says what and where; anything unexpected says "internal error" (and shows
 * its stack with PREVOTE_DEBUG=1).
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`prevote: unknown command '${oneLine(name)}' (the commands: ${Object.keys(commands).join(', ')}; 'prevote --help' says what each does)`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`prevote ${e.command ?? name}: ${oneLine(e.message)}${e.seeHelp ? ` (see prevote ${name} --help)` : ''}`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    if (process.env.PREVOTE_DEBUG) console.error(err.stack);
    else console.error(`prevote ${name}: internal error: ${oneLine(err.message)} (PREVOTE_DEBUG=1 shows where)`);
    return 2;
  }
}

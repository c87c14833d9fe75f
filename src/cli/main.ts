// `prevote <command>`: the headless face of Prevote.
import { runSimCommand, SIM_HELP } from './sim.js';
import { runWalCommand, WAL_HELP } from './wal.js';

const HELP = `prevote — Tendermint BFT consensus you can watch, run and debug

Usage: prevote <command> [options]

Commands:
  sim     run a deterministic simulation of N validators and print a summary
  wal     inspect, export, verify, replay or repair WAL files (Prevote, CometBFT, Tendermint v0.10)

Run 'prevote <command> --help' for a command's options.`;

const commands: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
  sim: { help: SIM_HELP, run: runSimCommand },
  wal: { help: WAL_HELP, run: runWalCommand },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`prevote: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.help);
    return 0;
  }
  return cmd.run(rest);
}

process.exitCode = await main(process.argv.slice(2));

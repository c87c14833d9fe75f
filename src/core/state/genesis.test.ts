// Genesis files from outside: every malformed field is a ValidationError that names it, never a
// TypeError from deep inside (the CLI prints these as one line).
import { describe, expect, it } from 'vitest';
import { readShared } from '../../../test/shared.js';
import { ValidationError } from '../errors.js';
import { genesisValidatorKeys } from './genesis-keys.js';
import { formatGenesis, parseGenesis } from './genesis.js';

const KEY = '3hIpQN+eIOf2qJKmMte0jKX26156IfkSWcGgQccPqy4=';
const HEX = 'DE122940DF9E20E7F6A892A632D7B48CA5F6EB5E7A21F91259C1A041C70FAB2E';
const genTx = (messages: unknown) => JSON.stringify({ chain_id: 'c', app_state: { genutil: { gen_txs: [{ body: { messages } }] } } });

const fails = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe('genesisValidatorKeys', () => {
  it('reads the three key shapes and skips keys of other types', () => {
    const g = genesisValidatorKeys(
      JSON.stringify({
        chain_id: 'c',
        validators: [{ pub_key: { type: 'tendermint/PubKeyEd25519', value: KEY } }, { pub_key: { type: 'ed25519', data: HEX } }, { pub_key: { type: 'tendermint/PubKeySecp256k1', value: 'AAAA' } }],
        app_state: { genutil: { gen_txs: [{ body: { messages: [{ pubkey: { '@type': '/cosmos.crypto.ed25519.PubKey', key: KEY } }] } }] } },
      }),
    );
    expect(g.keys.map((k) => k.source)).toEqual(['validators', 'validators', 'gen_txs']);
    expect(g.keys[0].pubKey).toEqual(g.keys[1].pubKey);
    const bera = genesisValidatorKeys(readShared('fixtures/wal/cometbft/v0.34-beradevnet.genesis.json').toString());
    expect(bera.keys).toHaveLength(1);
  });

  it('a type, name or moniker that is no text (an object, its toString a string) is no key type and no name, never a TypeError', () => {
    const odd = { toString: '2W', a: null };
    const g = genesisValidatorKeys(
      JSON.stringify({
        validators: [{ pub_key: { type: odd, value: KEY } }, { pub_key: { type: 'ed25519', data: HEX }, name: odd }],
        app_state: { genutil: { gen_txs: [{ body: { messages: [{ pubkey: { '@type': odd, key: KEY } }, { pubkey: { '@type': '/cosmos.crypto.ed25519.PubKey', key: KEY }, description: { moniker: odd }, validator_address: odd }] } }] } },
      }),
    );
    expect(g.keys.map((k) => [k.source, k.name])).toEqual([['validators', 'validator 1'], ['gen_txs', 'gen_tx']]);
  });

  it.each([
    ['{"chain_id": ', /^not JSON \(/],
    ['[1, 2]', /^\(root\): expected a JSON object/],
    [JSON.stringify({ validators: [{ pub_key: { type: 'tendermint/PubKeyEd25519', value: '!!!' } }] }), /^validators\[0\]\.pub_key\.value: not base64/],
    [JSON.stringify({ validators: [{ pub_key: { type: 'tendermint/PubKeyEd25519', value: 'AAAA' } }] }), /^validators\[0\]\.pub_key\.value: an Ed25519 public key has 32 bytes, this one 3/],
    [JSON.stringify({ validators: [{ pub_key: { type: 'ed25519', data: 'XYZ' } }] }), /^validators\[0\]\.pub_key\.data: not hex/],
    [JSON.stringify({ validators: [{ pub_key: { type: 'ed25519', data: 'zz'.repeat(32) } }] }), /^validators\[0\]\.pub_key\.data: not hex/],
    [JSON.stringify({ validators: { a: 1 } }), /^validators: expected a list/],
    [genTx(5), /^app_state\.genutil\.gen_txs\[0\]\.body\.messages: expected a list/],
    [genTx({ pubkey: 1 }), /^app_state\.genutil\.gen_txs\[0\]\.body\.messages: expected a list/],
    [genTx([{ pubkey: { '@type': '/cosmos.crypto.ed25519.PubKey', key: 'A!' } }]), /^app_state\.genutil\.gen_txs\[0\]\.body\.messages\[0\]\.pubkey\.key: not base64/],
    [JSON.stringify({ app_state: { genutil: { gen_txs: 'none' } } }), /^app_state\.genutil\.gen_txs: expected a list/],
  ])('%s is a ValidationError naming the field', (text, message) => {
    expect(fails(() => genesisValidatorKeys(text))).toMatch(message);
  });
});

describe('parseGenesis', () => {
  const base = { chain_id: 'c', genesis_time: '2024-01-01T00:00:00Z', validators: [{ pub_key: { type: 'tendermint/PubKeyEd25519', value: KEY }, power: '10' }] };
  it('reads a minimal genesis', () => {
    expect(parseGenesis(JSON.stringify(base)).validators).toHaveLength(1);
  });
  it('reads back what formatGenesis writes, field for field', () => {
    const doc = parseGenesis(JSON.stringify({ ...base, initial_height: '7', app_hash: 'AB01', app_state: { k: ['v'] }, consensus_params: { block: { max_bytes: '1000', max_gas: '5' } } }));
    doc.validators[0].name = 'n0';
    doc.validators[0].power = 12345678901234n; // past 2^32: written as a string, as CometBFT does
    const again = parseGenesis(formatGenesis(doc));
    expect(again).toEqual(doc);
    expect(formatGenesis(again)).toBe(formatGenesis(doc));
  });
  it.each([
    [{ ...base, genesis_time: 'yesterday' }, 'genesis genesis_time'],
    [{ ...base, app_hash: 'not hex' }, 'genesis app_hash'],
    [{ ...base, app_hash: 7 }, 'genesis app_hash'],
    [{ ...base, validators: [null] }, 'genesis validators[0]'],
    [{ ...base, validators: [{ ...base.validators[0], pub_key: { type: 'tendermint/PubKeyEd25519', value: '!' } }] }, 'genesis validators[0].pub_key.value: not base64 ('],
    // a soak found this one: a key type that cannot be turned into a string by `${}`
    [{ ...base, validators: [{ ...base.validators[0], pub_key: { type: { toString: [] }, value: KEY } }] }, 'genesis validators[0].pub_key.type: unsupported key type {"toString":[]}'],
    // values a chain could never make a block with (CometBFT's ValidateBasic): the node stalled on them
    [{ ...base, consensus_params: { block: { max_bytes: '-7' } } }, 'genesis consensus_params.block.max_bytes: -1 or from 1 to 104857600, got -7'],
    [{ ...base, consensus_params: { block: { max_bytes: '0' } } }, 'genesis consensus_params.block.max_bytes: -1 or from 1 to 104857600, got 0'],
    [{ ...base, consensus_params: { block: { max_gas: '-2' } } }, 'genesis consensus_params.block.max_gas: -1 (no limit) or more, got -2'],
    [{ ...base, consensus_params: 'x' }, 'genesis consensus_params: expected an object, got "x"'],
    [{ ...base, consensus_params: { block: 5 } }, 'genesis consensus_params.block: expected an object, got 5'],
    [{ ...base, chain_id: 42 }, 'genesis chain_id: expected a string, got 42'],
    [{ ...base, validators: [{ ...base.validators[0], power: '9223372036854775807' }] }, 'genesis validators[0].power: "9223372036854775807" is beyond 2^53 - 1'],
  ])('%j is a ValidationError naming the field', (doc, message) => {
    expect(fails(() => parseGenesis(JSON.stringify(doc)))).toContain(message);
  });
});

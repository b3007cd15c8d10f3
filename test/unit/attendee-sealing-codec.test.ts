import { defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { attendeeSealingCodec } from '../../services/attendee-sealing-codec';
import { Keyring } from '../../vault/keyring';

const keyring = Keyring.fromKeys({ k1: randomBytes(32) }, 'k1');
const codec = attendeeSealingCodec(keyring);
const payload = (value: unknown) => defaultPayloadConverter.toPayload(value)!;
const textOf = (p: { data?: Uint8Array | null }) => Buffer.from(p.data ?? []).toString('utf8');

describe('attendee sealing codec (Temporal payloads)', () => {
  const update = {
    requestId: 'r-1',
    meeting: { title: 'Renewal call', attendees: [{ email: 'buyer@example.org', name: 'Buyer' }] },
    change: { edit: { title: 'x', attendees: [{ email: 'second@example.org' }] } },
  };

  it('seals every attendee list, at any depth, and leaves the rest readable', async () => {
    const [encoded] = await codec.encode([payload(update)]);
    const json = textOf(encoded!);
    expect(json).not.toContain('@example.org');
    expect(json).toContain('Renewal call');
    expect(json.match(/\$sealed/g)).toHaveLength(2);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(update);
    expect(decoded!.metadata).toEqual(payload(update).metadata);
  });

  it('passes payloads without attendees (and empty lists) through untouched', async () => {
    const plain = payload({ title: 'No guests', attendees: [] });
    const binary = defaultPayloadConverter.toPayload(new Uint8Array([1, 2, 3]))!;
    const undefinedPayload = defaultPayloadConverter.toPayload(undefined)!;
    expect(await codec.encode([plain, binary, undefinedPayload])).toEqual([plain, binary, undefinedPayload]);
  });

  it('refuses a sealed list that was tampered with or sealed under another keyring', async () => {
    const [encoded] = await codec.encode([payload(update)]);
    const tampered = { ...encoded!, data: Buffer.from(textOf(encoded!).replace(/"c":"(.)/, (_m, ch) => `"c":"${ch === 'A' ? 'B' : 'A'}`)) };
    await expect(codec.decode([tampered])).rejects.toThrow();
    const other = attendeeSealingCodec(Keyring.fromKeys({ k1: randomBytes(32) }, 'k1'));
    await expect(other.decode([encoded!])).rejects.toThrow();
  });
});

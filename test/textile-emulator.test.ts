import { Client, createUserAuth, PrivateKey } from '@textile/hub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiSignature } from '../standins/textile/api-signature';
import { startHubEmulator, type HubEmulator } from '../standins/textile/hub-emulator';

describe('textile hub emulator, through the unmodified @textile/hub client', () => {
  let hub: HubEmulator;
  beforeAll(async () => {
    hub = await startHubEmulator();
  });
  afterAll(() => hub.close());

  const tokenWith = async (client: Client) =>
    client.getToken(PrivateKey.fromRandom()).then(
      (token) => ({ token, error: undefined }),
      (error: Error) => ({ token: undefined, error: error.message }),
    );

  it('issues a token to a client holding the key and secret', async () => {
    const client = await Client.withKeyInfo({ key: hub.apiKey, secret: hub.apiSecret }, hub.url);
    expect((await tokenWith(client)).token).toMatch(/^eyJ/);
  });

  it('refuses an unknown API key', async () => {
    const client = await Client.withKeyInfo({ key: 'nope', secret: hub.apiSecret }, hub.url);
    expect((await tokenWith(client)).error).toBe('API key not found or is invalid');
  });

  it('refuses a secure key sent without a signature', async () => {
    const client = await Client.withKeyInfo({ key: hub.apiKey }, hub.url);
    expect((await tokenWith(client)).error).toBe('API key signature required');
  });

  // The client refuses to send an expired signature, so this one speaks the wire protocol.
  const rawStatus = (msg: string, sig: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(`${hub.url.replace('http', 'ws')}/threads.pb.API/GetToken`, [
        'grpc-websockets',
      ]);
      socket.on('open', () =>
        socket.send(
          Buffer.from(
            `x-textile-api-key: ${hub.apiKey}\r\nx-textile-api-sig: ${sig}\r\nx-textile-api-sig-msg: ${msg}\r\n`,
          ),
        ),
      );
      socket.on('message', (data: Buffer) => resolve(data.subarray(5).toString('ascii')));
      socket.on('error', reject);
    });

  it('refuses an API signature whose date has passed, and checks the HMAC', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    expect(await rawStatus(past, apiSignature(hub.apiSecret, past))).toContain('grpc-status: 16');
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await rawStatus(future, apiSignature(hub.apiSecret, past))).toContain(
      'grpc-message: Bad%20API%20key%20signature',
    );
    const auth = await createUserAuth(hub.apiKey, hub.apiSecret, new Date(Date.now() + 60_000));
    expect(auth.sig).toBe(apiSignature(hub.apiSecret, auth.msg));
  });

  it('refuses a signature over the challenge by another key', async () => {
    const client = await Client.withKeyInfo({ key: hub.apiKey, secret: hub.apiSecret }, hub.url);
    const other = PrivateKey.fromRandom();
    const error = await client
      .getTokenChallenge(PrivateKey.fromRandom().public.toString(), (c) => other.sign(c))
      .catch((e: Error) => e.message);
    expect(error).toBe('bad signature');
  });
});

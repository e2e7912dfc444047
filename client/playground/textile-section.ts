import { PrivateKey } from '@textile/crypto';
import type { TextileClient, TextileIdentity } from '@tokengate/client';
import { countdown } from './countdown.js';
import { byId, definitions, h, onSubmit } from './dom.js';

const shorten = (text: string) =>
  text.length > 48 ? `${text.slice(0, 24)}…${text.slice(-12)}` : text;

/** Generates an ed25519 identity in the page and runs the challenge flow with it. */
export function mountTextile(textile: TextileClient): void {
  let identity: PrivateKey | undefined;
  const identityForm = byId<HTMLFormElement>('identity-form');
  const textileForm = byId<HTMLFormElement>('textile-form');
  const shown = byId('identity');

  onSubmit(identityForm, shown, async () => {
    identity = PrivateKey.fromRandom();
    return h(
      'span',
      {},
      'Public key: ',
      h('span', { 'data-testid': 'public-key' }, identity.public.toString()),
    );
  });

  onSubmit(textileForm, byId('textile-result'), async () => {
    if (!identity) throw new Error('Generate an identity first.');
    const via = new FormData(textileForm).get('via') === 'websocket' ? 'websocket' : 'http';
    const steps = h('ol', { class: 'steps' });
    const step = (text: string) => steps.append(h('li', {}, text));
    const held = identity;
    // The client signs through this wrapper, so the page can show that it did.
    const signer: TextileIdentity = {
      public: held.public,
      async sign(challenge) {
        step(`Received a ${challenge.length}-byte challenge from the hub; signed it in this page.`);
        return held.sign(challenge);
      },
    };
    step(
      `Sent the public key ${shorten(held.public.toString())} over ${via === 'http' ? 'HTTP' : 'a WebSocket'}.`,
    );
    const auth = await textile.userAuth(signer, { via });
    step('The hub verified the signature; the gateway answered with a user auth.');
    return h(
      'article',
      { class: 'card', 'aria-label': 'Textile user auth' },
      h('h3', {}, 'Textile user auth', h('span', { class: 'badge good' }, 'signature verified')),
      steps,
      definitions([
        ['Valid for', countdown(auth.msg)],
        ['Identity', h('span', { class: 'mono' }, held.public.toString())],
        ['User token', h('span', { class: 'mono' }, shorten(auth.token))],
        ['API key', h('span', { class: 'mono' }, auth.key)],
        ['Use it', h('code', {}, 'Client.withUserAuth(() => textile.userAuth(identity))')],
      ]),
    );
  });
}

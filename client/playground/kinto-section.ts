import type { KintoClient, KintoConnection, KintoSession } from '@tokengate/client';
import { countdown } from './countdown.js';
import { byId, definitions, filledFields, h, onClick, onSubmit } from './dom.js';

function sessionCard(session: KintoSession): HTMLElement {
  const data = Object.entries(session.data);
  return h(
    'article',
    { class: 'card', 'aria-label': 'Kinto session' },
    h('h3', {}, 'Session', h('span', { class: 'badge good' }, 'signed in')),
    definitions([
      ['Client', session.clientId],
      ['Expires', countdown(session.expiresAt)],
      ['Created', new Date(session.createdAt).toLocaleString()],
      ['Last used', new Date(session.lastUsedAt).toLocaleString()],
    ]),
    data.length === 0
      ? h(
          'p',
          { class: 'info' },
          'No session fields yet: a service writes them (try POST /login at auth).',
        )
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Session field'), h('th', {}, 'Value'))),
          h(
            'tbody',
            {},
            ...data.map(([name, value]) => h('tr', {}, h('td', {}, name), h('td', {}, value))),
          ),
        ),
  );
}

async function responseView(
  method: string,
  path: string,
  response: Response,
): Promise<HTMLElement> {
  const text = await response.text();
  let body = text;
  try {
    body = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: shown as it came
  }
  const tone = response.ok ? 'good' : 'bad';
  return h(
    'div',
    {},
    h(
      'p',
      {},
      h('strong', {}, `${method} ${path}`),
      h('span', { class: `badge ${tone}` }, String(response.status)),
    ),
    h('pre', { 'aria-label': 'Response body' }, body || '(empty)'),
  );
}

/** Signs in with a client id and secret, calls services through the session, logs out. */
export function mountKinto(kinto: KintoClient): void {
  let connection: KintoConnection | undefined;
  const loginForm = byId<HTMLFormElement>('kinto-login-form');
  const callForm = byId<HTMLFormElement>('kinto-call-form');
  const calls = callForm.querySelector('fieldset')!;
  const sessionOutput = byId('kinto-session');
  const callOutput = byId('kinto-result');
  const showSession = async () =>
    sessionOutput.replaceChildren(sessionCard(await connection!.session()));

  onSubmit(loginForm, sessionOutput, async () => {
    const { clientId = '', clientSecret = '' } = filledFields(loginForm);
    connection = await kinto.connect({ clientId, clientSecret });
    byId<HTMLInputElement>('kinto-client-secret').value = '';
    calls.disabled = false;
    await showSession();
  });

  onSubmit(callForm, callOutput, async () => {
    const { method = 'GET', service = '', path = '/', body } = filledFields(callForm);
    const withBody = body !== undefined && method !== 'GET' && method !== 'DELETE';
    const response = await connection!.fetch(service, path, {
      method,
      headers: withBody ? { 'content-type': 'application/json' } : {},
      body: withBody ? body : undefined,
    });
    const view = await responseView(
      method,
      `/${service}${path.startsWith('/') ? path : `/${path}`}`,
      response,
    );
    await showSession();
    return view;
  });

  onClick(byId('kinto-refresh'), sessionOutput, showSession);
  onClick(byId('kinto-logout'), callOutput, async () => {
    await connection?.logout();
    connection = undefined;
    calls.disabled = true;
    sessionOutput.replaceChildren(h('p', {}, 'Logged out: the session token no longer works.'));
    callOutput.replaceChildren();
    byId('kinto-client-secret').focus();
  });
}

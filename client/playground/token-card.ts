import type { InspectedService, InspectedToken } from '@tokengate/client';
import { countdown } from './countdown.js';
import { definitions, h } from './dom.js';

const signatureText: Record<InspectedToken['signature'], [string, string]> = {
  valid: ['signature valid', 'good'],
  invalid: ['signature invalid', 'bad'],
  unknown: ['signature not checked', 'warning'],
  unknown_app: ['another app id', 'warning'],
};

/** Who and where a service is for; an empty uid is Agora's "any user". */
const serviceSubject = (service: InspectedService) =>
  [
    service.channel !== undefined && `channel "${service.channel}"`,
    service.uid !== undefined && (service.uid === '' ? 'any user' : `user ${service.uid}`),
    service.user !== undefined && `user "${service.user}"`,
  ]
    .filter(Boolean)
    .join(', ');

function serviceBlock(service: InspectedService): HTMLElement {
  const rows = service.privileges.map((privilege) =>
    h(
      'tr',
      {},
      h('td', {}, privilege.name),
      h('td', {}, privilege.expire === 0 ? 'with the token' : `${privilege.expire} s after issue`),
      h('td', {}, countdown(privilege.expiresAt)),
    ),
  );
  return h(
    'div',
    { class: 'service' },
    h(
      'h4',
      {},
      service.name.toUpperCase(),
      h('span', { class: 'info' }, ` ${serviceSubject(service)}`),
    ),
    rows.length === 0
      ? h('p', { class: 'info' }, 'No privileges of its own: it lasts as long as the token.')
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'Privilege'), h('th', {}, 'Lifetime'), h('th', {}, 'Expires')),
          ),
          h('tbody', {}, ...rows),
        ),
  );
}

/** A decoded token as a card: version, signature, expiry countdown, services and privileges. */
export function tokenCard(token: InspectedToken, title: string): HTMLElement {
  const [signature, tone] = signatureText[token.signature];
  return h(
    'article',
    { class: 'card', 'aria-label': title },
    h(
      'h3',
      {},
      title,
      h('span', { class: 'badge' }, token.version),
      h('span', { class: `badge ${tone}` }, signature),
    ),
    definitions([
      ['Expires', countdown(token.expiresAt)],
      ['Expires at', new Date(token.expiresAt).toLocaleString()],
      ['Issued at', new Date(token.issuedAt).toLocaleString()],
      ['App id', h('span', { class: 'mono' }, token.appId)],
      ['Services', token.services.map((s) => s.name).join(', ')],
      ['Note', token.message],
    ]),
    ...token.services.map(serviceBlock),
  );
}

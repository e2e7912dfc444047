import type { AgoraClient, AgoraTokenRequest, DiagnoseRequest, Diagnosis } from '@tokengate/client';
import { byId, filledFields, h, onSubmit } from './dom.js';
import { tokenCard } from './token-card.js';

/** A numeric text as a number, anything else as it is: the gateway names the field it rejects. */
const numeric = (value: string | undefined) =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) : value;

/** Shows only the rows of the chosen token kind (`data-for` lists the kinds a row is for). */
function showRowsFor(form: HTMLFormElement, kind: string) {
  form.querySelectorAll<HTMLElement>('[data-for]').forEach((row) => {
    row.hidden = !row.dataset.for!.split(' ').includes(kind);
  });
}

function mintRequest(fields: Record<string, string>): AgoraTokenRequest {
  const { type, uid, expiry, ...rest } = fields;
  const numericUid = type === 'rtc' || type === 'rte' || type === 'convoai';
  return {
    ...rest,
    type,
    uid: numericUid ? numeric(uid) : uid,
    expiry: numeric(expiry),
  } as AgoraTokenRequest;
}

function diagnosisView(diagnosis: Diagnosis): HTMLElement {
  const verdict = diagnosis.ok
    ? h('p', { class: 'good' }, h('strong', {}, 'Agora would accept this token.'))
    : h('p', { class: 'bad' }, h('strong', {}, 'Agora would refuse this token.'));
  const findings = h(
    'ul',
    { class: 'findings' },
    ...diagnosis.findings.map((finding) =>
      h(
        'li',
        {},
        h('span', { class: `badge ${finding.severity}` }, finding.severity),
        ' ',
        h('code', {}, finding.code),
        ` ${finding.message}`,
      ),
    ),
  );
  return h(
    'div',
    {},
    verdict,
    diagnosis.findings.length ? findings : h('p', {}, 'No findings.'),
    diagnosis.token && tokenCard(diagnosis.token, 'The diagnosed token'),
  );
}

/** The mint and diagnose forms of the Agora sections. */
export function mountAgora(agora: AgoraClient): void {
  const mintForm = byId<HTMLFormElement>('mint-form');
  const kind = byId<HTMLSelectElement>('mint-type');
  const diagnoseForm = byId<HTMLFormElement>('diagnose-form');
  showRowsFor(mintForm, kind.value);
  kind.addEventListener('change', () => showRowsFor(mintForm, kind.value));

  onSubmit(mintForm, byId('mint-result'), async () => {
    const answer = await agora.token(mintRequest(filledFields(mintForm)));
    const inspected = await agora.inspect({ token: answer.token });
    const diagnoseIt = h('button', { type: 'button' }, 'Diagnose this token');
    diagnoseIt.addEventListener('click', () => {
      byId<HTMLTextAreaElement>('diagnose-token').value = answer.token;
      byId<HTMLSelectElement>('diagnose-service').value =
        answer.type === 'chat' ? 'chat' : answer.type === 'rtm' ? 'rtm' : 'rtc';
      if ('channel' in answer) byId<HTMLInputElement>('diagnose-channel').value = answer.channel;
      const user = 'uid' in answer ? answer.uid : undefined;
      byId<HTMLInputElement>('diagnose-uid').value = user === undefined ? '' : String(user);
      byId('diagnose-token').focus();
    });
    const kindName = answer.type.toUpperCase();
    return h(
      'div',
      { class: 'minted' },
      h(
        'label',
        { for: 'minted-token' },
        `Minted ${kindName} token (expires in ${answer.expiresIn} s)`,
      ),
      h(
        'textarea',
        { id: 'minted-token', readonly: '', rows: '3', spellcheck: 'false' },
        answer.token,
      ),
      'authorization' in answer
        ? h(
            'p',
            {},
            'For the Conversational AI REST API: ',
            h('code', {}, 'Authorization: agora token=…'),
          )
        : null,
      diagnoseIt,
      tokenCard(inspected, `${kindName} token`),
    );
  });

  onSubmit(diagnoseForm, byId('diagnose-result'), async () => {
    const fields = filledFields(diagnoseForm);
    const request = {
      ...fields,
      uid: fields.service === 'rtc' ? numeric(fields.uid) : fields.uid,
    } as DiagnoseRequest;
    return diagnosisView(await agora.diagnose(request));
  });
}

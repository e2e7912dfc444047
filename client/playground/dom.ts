import { TokengateError } from '@tokengate/client';

type Child = Node | string | number | null | undefined | false;

/** An element with attributes and children; text is always set as text, never as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

export const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A form's filled-in fields, trimmed; empty ones and those in hidden rows left out. */
export function filledFields(form: HTMLFormElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) {
    const text = String(value).trim();
    const hidden = form.querySelector(`[name="${name}"]`)?.closest('[hidden]');
    if (text !== '' && !hidden) fields[name] = text;
  }
  return fields;
}

/** A `dl` of label–value pairs, skipping absent values. */
export function definitions(pairs: Array<[string, Child]>): HTMLDListElement {
  const list = h('dl');
  for (const [term, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    list.append(h('dt', {}, term), h('dd', {}, value));
  }
  return list;
}

function describeFailure(error: unknown): HTMLElement {
  if (!(error instanceof TokengateError)) {
    return h('div', { class: 'failure', role: 'alert' }, String(error));
  }
  return h(
    'div',
    { class: 'failure', role: 'alert' },
    h('strong', {}, `${error.code}${error.status ? ` (${error.status})` : ''}: `),
    error.message,
    error.field ? h('div', {}, `Field: ${error.field}`) : null,
    error.requestId ? h('div', { class: 'mono' }, `Request id: ${error.requestId}`) : null,
  );
}

/**
 * Runs a button's action: the button is disabled meanwhile, and a failure is shown in `output`;
 * in a form, the field the failure names is marked invalid and focused.
 */
async function run(
  button: HTMLButtonElement | null,
  output: HTMLElement,
  action: () => Promise<Node | void>,
  form?: HTMLFormElement,
) {
  form?.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  if (button) button.disabled = true;
  try {
    const shown = await action();
    if (shown) output.replaceChildren(shown);
  } catch (error) {
    output.replaceChildren(describeFailure(error));
    const field = error instanceof TokengateError && error.field;
    const input = field ? form?.elements.namedItem(field) : null;
    if (input instanceof HTMLElement) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  } finally {
    if (button) button.disabled = false;
  }
}

/** Runs `action` when `form` is submitted (a click on its submit button, Enter in a field). */
export function onSubmit(
  form: HTMLFormElement,
  output: HTMLElement,
  action: () => Promise<Node | void>,
): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run(form.querySelector('button[type=submit]'), output, action, form);
  });
}

/** Runs `action` when `button` is clicked. */
export function onClick(
  button: HTMLButtonElement,
  output: HTMLElement,
  action: () => Promise<Node | void>,
): void {
  button.addEventListener('click', () => void run(button, output, action));
}

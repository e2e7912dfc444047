import { h } from './dom.js';

const ticking = new Set<HTMLElement>();
/** Countdowns that have been on the page: one that left it is dropped, not one still to come. */
const shown = new WeakSet<HTMLElement>();

function spell(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  // The two largest units: precise where it matters, readable for a two-week session.
  const parts = days
    ? [`${days}d`, `${hours}h`]
    : hours
      ? [`${hours}h`, `${minutes}m`]
      : [minutes && `${minutes}m`, `${seconds}s`];
  const text = parts.filter(Boolean).join(' ');
  return ms >= 0 ? `${text} left` : `expired ${text} ago`;
}

function render(element: HTMLElement) {
  const remaining = Date.parse(element.dataset.expiresAt!) - Date.now();
  element.textContent = spell(remaining);
  element.classList.toggle('expired', remaining < 0);
}

/**
 * A live countdown to `expiresAt`. Screen readers are not told every second (`aria-live`
 * off); the exact time is in `datetime` and the title.
 */
export function countdown(expiresAt: string): HTMLElement {
  const element = h('time', {
    class: 'countdown',
    role: 'timer',
    'aria-live': 'off',
    datetime: expiresAt,
    title: new Date(expiresAt).toLocaleString(),
    'data-expires-at': expiresAt,
  });
  render(element);
  ticking.add(element);
  return element;
}

function tick() {
  for (const element of ticking) {
    if (element.isConnected) {
      shown.add(element);
      render(element);
    } else if (shown.has(element)) ticking.delete(element);
  }
}

export const startCountdowns = () => setInterval(tick, 1000);

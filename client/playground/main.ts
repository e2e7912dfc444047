import { createTokengate } from '@tokengate/client';
import { mountAgora } from './agora-section.js';
import { startCountdowns } from './countdown.js';
import { mountKinto } from './kinto-section.js';
import { mountTextile } from './textile-section.js';

/** Hides the sections (and their links) of providers this gateway does not run. */
async function hideDisabledProviders() {
  const response = await fetch('/api/providers');
  const { providers } = (await response.json()) as { providers: Array<{ id: string }> };
  const enabled = new Set(providers.map((p) => p.id));
  document.querySelectorAll<HTMLElement>('section[data-provider]').forEach((section) => {
    const off = !enabled.has(section.dataset.provider!);
    section.hidden = off;
    const link = document.querySelector<HTMLElement>(`nav a[href="#${section.id}"]`);
    if (link) link.parentElement!.hidden = off;
  });
}

const tokengate = createTokengate({ baseUrl: '' });
mountAgora(tokengate.agora);
mountTextile(tokengate.textile);
mountKinto(tokengate.kinto);
startCountdowns();
void hideDisabledProviders();

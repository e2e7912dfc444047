import type { Page } from 'playwright-core';

/** How the fake stands in for an SDK object: which events API and which way back in. */
export interface FakeSdkShape {
  /** `addEventHandler(id, handlers)` like Agora Chat, instead of `on`/`off`. */
  handlers?: boolean;
  rejoinWith: 'join' | 'login' | 'open';
  /** How many `renewToken` calls fail before one succeeds. */
  failRenewals?: number;
}

/**
 * Defines `globalThis.fakeSdkClient(shape)` in the page: an object shaped like an Agora SDK
 * client that records what it was called with (`calls.renewToken`, `calls.rejoin`,
 * `calls.removed`), `emit(event)` to fire an SDK event, and `waitFor(call, count)`.
 */
export function installFakeSdk(page: Page): Promise<void> {
  return page.evaluate(() => {
    (globalThis as any).fakeSdkClient = (shape: FakeSdkShape) => {
      const listeners = new Map<string, Array<() => void>>();
      let handlers: Record<string, () => void> = {};
      let failures = shape.failRenewals ?? 0;
      const calls: Record<string, unknown[]> = { renewToken: [], rejoin: [], removed: [] };
      const client: Record<string, unknown> = {
        calls,
        async renewToken(token: string) {
          calls.renewToken!.push(token);
          if (failures-- > 0) throw new Error('the SDK refused the token');
        },
        emit(event: string) {
          listeners.get(event)?.forEach((listener) => listener());
          handlers[event]?.();
        },
        waitFor: (call: string, count: number) =>
          new Promise<void>((resolve) => {
            const poll = setInterval(() => {
              if (calls[call]!.length < count) return;
              clearInterval(poll);
              resolve();
            }, 10);
          }),
        [shape.rejoinWith]: async (...args: unknown[]) => void calls.rejoin!.push(args),
      };
      if (shape.handlers) {
        client.addEventHandler = (_id: string, added: Record<string, () => void>) => {
          handlers = added;
        };
        client.removeEventHandler = (id: string) => {
          calls.removed!.push(id);
          handlers = {};
        };
      } else {
        client.on = (event: string, listener: () => void) =>
          listeners.set(event, [...(listeners.get(event) ?? []), listener]);
        client.off = (event: string, listener: () => void) => {
          calls.removed!.push(event);
          listeners.set(
            event,
            (listeners.get(event) ?? []).filter((l) => l !== listener),
          );
        };
      }
      return client;
    };
  });
}

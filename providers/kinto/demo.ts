import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoStandIn } from '../../src/provider';
import { startArticlesService, startAuthService } from '../../standins/kinto/services';
import { hashSecret } from './secret-hash';

const clientId = 'demo-app';

/**
 * `npm run demo`: a demo client with a fresh random secret, and the tutorial's `auth` and
 * `articles` services running in this process (plus `news`, a public view of `articles`).
 */
export async function startKintoDemo(): Promise<DemoStandIn> {
  const secret = randomBytes(24).toString('base64url');
  const [auth, articles] = await Promise.all([startAuthService(), startArticlesService()]);
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-kinto-'));
  const configPath = join(dir, 'kinto.json');
  const config = {
    clients: [{ clientId, secretHash: await hashSecret(secret) }],
    services: [
      { name: 'auth', upstream: auth.url, writes: ['auth-userId', 'auth-username'] },
      {
        name: 'articles',
        upstream: articles.url,
        reads: { 'auth-userId': 'required', 'auth-username': 'optional' },
      },
      { name: 'news', upstream: articles.url, public: true },
    ],
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return {
    env: { KINTO_CONFIG: configPath },
    banner: (baseUrl) => {
      const api = `${baseUrl}/api/kinto`;
      const withToken = `-H "Kinto-Authorization: Bearer $TOKEN"`;
      return [
        `demo client: clientId=${clientId} clientSecret=${secret}`,
        `services: auth (${auth.url}), articles (${articles.url}), news (public)`,
        `TOKEN=$(curl -s -X POST ${api}/token -H 'content-type: application/json' \\`,
        `  -d '{"clientId":"${clientId}","clientSecret":"${secret}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')`,
        `curl -s -w '\\n' ${api}/services/articles/articles ${withToken}          # 401: not logged in yet`,
        `curl -s -w '\\n' -X POST ${api}/services/auth/login ${withToken} -H 'content-type: application/json' -d '{"username":"ada"}'`,
        `curl -s -w '\\n' ${api}/services/articles/articles ${withToken}          # reader: ada`,
        `curl -s -w '\\n' -X POST ${api}/services/articles/articles ${withToken} -d '{"title":"Hi"}'`,
        `curl -s -w '\\n' ${api}/session ${withToken}`,
        `curl -s -w '\\n' ${api}/public/${clientId}/news/articles                 # public: no session`,
        `curl -s -X DELETE ${api}/session ${withToken} -o /dev/null -w '%{http_code}\\n'`,
      ];
    },
    async close() {
      await Promise.allSettled([auth.close(), articles.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

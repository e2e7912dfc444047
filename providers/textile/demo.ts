import type { DemoStandIn } from '../../src/provider';
import { startHubEmulator } from '../../standins/textile/hub-emulator';

const node = (script: string) => `node -e '${script}'`;

/** `npm run demo`: a local hub emulator with a generated key and secret. */
export async function startTextileDemo(): Promise<DemoStandIn> {
  const hub = await startHubEmulator();
  return {
    env: {
      TEXTILE_USER_API_KEY: hub.apiKey,
      TEXTILE_USER_API_SECRET: hub.apiSecret,
      TEXTILE_HUB_URL: hub.url,
    },
    banner: (baseUrl) => [
      `Hub emulator at ${hub.url} (hub identity ${hub.hubKey.toString()})`,
      'Make an identity (prints the private key):',
      `  ID=$(${node('console.log(require("@textile/hub").PrivateKey.fromRandom().toString())')})`,
      '1. Private key flow (discouraged; TEXTILE_ALLOW_PRIVATE_KEY=false turns it off):',
      `  curl "${baseUrl}/api/textile/token?id=$ID"`,
      '2. Challenge flow (the private key stays with the client):',
      `  PUB=$(${node('console.log(require("@textile/hub").PrivateKey.fromString(process.argv[1]).public.toString())')} "$ID")`,
      `  curl -s -X POST ${baseUrl}/api/textile/token/challenge -H 'content-type: application/json' -d "{\\"publicKey\\":\\"$PUB\\"}" | tee /tmp/challenge.json`,
      `  SIG=$(${node('const {PrivateKey}=require("@textile/hub");const c=require("/tmp/challenge.json");PrivateKey.fromString(process.argv[1]).sign(Buffer.from(c.challenge,"base64")).then(s=>console.log(JSON.stringify({challengeId:c.challengeId,signature:Buffer.from(s).toString("base64")})))')} "$ID")`,
      `  curl -X POST ${baseUrl}/api/textile/token -H 'content-type: application/json' -d "$SIG"`,
      '3. WebSocket flow (the message protocol of Textile’s browser example):',
      `  ${node(`const {PrivateKey}=require("@textile/hub");const WebSocket=require("ws");const id=PrivateKey.fromString(process.argv[1]);const ws=new WebSocket("${baseUrl.replace(/^http/, 'ws')}/api/textile/token/ws");ws.onopen=()=>ws.send(JSON.stringify({type:"token",pubkey:id.public.toString()}));ws.onmessage=async(e)=>{const d=JSON.parse(e.data);if(d.type==="challenge"){const s=await id.sign(Buffer.from(d.value));ws.send(JSON.stringify({type:"challenge",sig:Buffer.from(s).toJSON()}))}else console.log(d)}`)} "$ID"`,
    ],
    close: () => hub.close(),
  };
}

// A minimal Express service protected by Keyward's keys. Run it with
//   KEYWARD_URL=http://127.0.0.1:3000 KEYWARD_SERVICE_TOKEN=kws_… PORT=4000 node --import tsx examples/express-service/server.ts
// then call it with an API key: curl -H "Authorization: Bearer mpk_…" http://127.0.0.1:4000/invoices
import express from "express";
import { keywardExpress } from "../../packages/verify/src/adapters/express.js";
import type { KeywardKey } from "../../packages/verify/src/answers.js";
import { createKeywardVerifier } from "../../packages/verify/src/verifier.js";

const { KEYWARD_URL, KEYWARD_SERVICE_TOKEN, PORT } = process.env;
if (!KEYWARD_URL || !KEYWARD_SERVICE_TOKEN) {
  process.stderr.write(
    "Set KEYWARD_URL and KEYWARD_SERVICE_TOKEN (a kws_… token from Settings > Service tokens).\n",
  );
  process.exit(1);
}

const verifier = createKeywardVerifier({
  url: KEYWARD_URL,
  serviceToken: KEYWARD_SERVICE_TOKEN,
  cacheSize: 10_000,
});
const app = express();

app.get("/health", (_request, response) => {
  response.json({ ok: true });
});
app.get("/reports", keywardExpress(verifier, { permission: "reporting:read" }), (request, response) => {
  const key = (request as unknown as { keyward: KeywardKey }).keyward;
  response.json({ report: "sales", for: key.accountId, key: key.id });
});

const server = app.listen(Number(PORT ?? 4000), "127.0.0.1", () => {
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : PORT;
  process.stdout.write(`express-service listening on http://127.0.0.1:${port}\n`);
});
process.on("SIGTERM", () => {
  verifier.close();
  server.close(() => process.exit(0));
});

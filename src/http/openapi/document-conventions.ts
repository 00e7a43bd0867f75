// What every operation of a document shares, written into it once: the named Error envelope each
// error response narrows, the conditional and idempotency headers the server reads, the headers it
// sends, and a description for every success response. Applied after splitting (split-document.ts).

type Json = Record<string, unknown>;

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

const parameters: Record<string, Json> = {
  IdempotencyKey: {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "Up to 255 printable characters, unique per change (e.g. a UUID). The first response to a key is kept for 24 hours and replayed, with `Idempotent-Replayed: true`, to a retry with the same key; the same key with another method, path or body is 422 `idempotency_key_reused`; a retry while the first is still running waits, then 409 `idempotency_key_in_progress`.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
  },
  IfMatch: {
    name: "If-Match",
    in: "header",
    required: false,
    description:
      "Change only this version: the ETag from your last read. A newer version answers 412 `precondition_failed` with `currentEtag`.",
    schema: { type: "string" },
  },
  IfNoneMatch: {
    name: "If-None-Match",
    in: "header",
    required: false,
    description: "The ETag you hold: 304 with no body while it is still current.",
    schema: { type: "string" },
  },
  RequestId: {
    name: "X-Request-Id",
    in: "header",
    required: false,
    description:
      "Your own id for this request (1–128 of `A-Za-z0-9._:-`): used as the request id, logged and echoed in `Request-Id`.",
    schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" },
  },
};

const headers: Record<string, Json> = {
  RequestId: {
    description:
      "This request's id (yours from X-Request-Id when well-formed); quote it when asking for help.",
    schema: { type: "string" },
  },
  ETag: {
    description: "The resource version (a strong ETag): send it as If-None-Match or If-Match.",
    schema: { type: "string" },
  },
  RetryAfter: { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 } },
  WwwAuthenticate: {
    description: 'The Bearer challenge, e.g. `Bearer realm="keyward", error="invalid_token"`.',
    schema: { type: "string" },
  },
  IdempotentReplayed: {
    description:
      "`true` when this is the stored response to an earlier request with the same Idempotency-Key.",
    schema: { type: "string", enum: ["true"] },
  },
};

/** Applies the shared conventions to a split document's paths, adding what they refer to to `components`. */
export function applyDocumentConventions(
  paths: Record<string, Json>,
  components: Json,
  isKeyed: boolean,
): void {
  const used = { parameters: new Set<string>(), headers: new Set<string>() };
  const errorCodes = new Set<string>();
  let errorEnvelope: Json | undefined;
  for (const item of Object.values(paths)) {
    for (const [method, operation] of Object.entries(item) as [string, Json][]) {
      const responses = (operation.responses ?? {}) as Record<string, Json>;
      const statuses = Object.keys(responses);
      const headerParams: string[] = ["RequestId"];
      const isChange = method === "post" || method === "patch";
      if (isKeyed && isChange) headerParams.push("IdempotencyKey");
      if (statuses.includes("412")) headerParams.push("IfMatch");
      if (statuses.includes("304")) headerParams.push("IfNoneMatch");
      operation.parameters = [
        ...((operation.parameters as Json[] | undefined) ?? []),
        ...headerParams.map((name) => ref("parameters", name)),
      ];
      for (const name of headerParams) used.parameters.add(name);
      const isVersioned = statuses.includes("304") || statuses.includes("412");
      for (const [status, response] of Object.entries(responses)) {
        const names = ["RequestId"];
        const code = Number(status);
        if (code < 300 && isVersioned) names.push("ETag");
        if (code < 300 && isKeyed && isChange) names.push("IdempotentReplayed");
        if (code === 429 || (code === 409 && hasCode(response, "idempotency_key_in_progress")))
          names.push("RetryAfter");
        if (code === 401 && isKeyed) names.push("WwwAuthenticate");
        response.headers = Object.fromEntries(names.map((name) => [name, ref("headers", name)]));
        for (const name of names) used.headers.add(name);
        if (code >= 400) {
          const media = jsonMedia(response);
          if (!media) continue;
          const codes = codesOf(media.schema as Json);
          for (const each of codes) errorCodes.add(each);
          errorEnvelope ??= media.schema as Json;
          media.schema = narrowedError(codes);
        }
      }
    }
  }
  if (errorEnvelope) {
    const schemas = (components.schemas ?? {}) as Json;
    schemas.Error = errorComponent(errorEnvelope, [...errorCodes].sort());
    components.schemas = schemas;
  }
  components.parameters = pick(parameters, used.parameters);
  components.headers = pick(headers, used.headers);
}

function jsonMedia(response: Json): Json | undefined {
  return (response.content as Record<string, Json> | undefined)?.["application/json"];
}

function codesOf(schema: Json): string[] {
  const error = (schema.properties as Record<string, Json> | undefined)?.error;
  const code = (error?.properties as Record<string, Json> | undefined)?.code;
  return (code?.enum as string[] | undefined) ?? [];
}

function hasCode(response: Json, code: string): boolean {
  const media = jsonMedia(response);
  return media !== undefined && codesOf(media.schema as Json).includes(code);
}

/** One status's error body: the named Error envelope, with `code` narrowed to what this status can be. */
function narrowedError(codes: string[]): Json {
  return {
    allOf: [ref("schemas", "Error")],
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code"],
        properties: { code: { type: "string", enum: codes } },
      },
    },
  };
}

/** The Error component: the envelope every failure has, `code` any code of this API. */
function errorComponent(envelope: Json, codes: string[]): Json {
  const copy = structuredClone(envelope);
  const error = (copy.properties as Record<string, Json>).error as Json;
  (error.properties as Record<string, Json>).code = {
    type: "string",
    enum: codes,
    description: "What went wrong, for programs: each operation lists the codes each status can carry.",
  };
  return { ...copy, description: 'Every failure: `{"error":{"code","message","requestId",…}}`.' };
}

function pick(all: Record<string, Json>, names: Set<string>): Record<string, Json> {
  return Object.fromEntries([...names].sort().map((name) => [name, all[name] as Json]));
}

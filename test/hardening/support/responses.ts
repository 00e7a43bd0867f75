import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { type ErrorCode, errorCodes, statusOf } from "../../../src/errors.js";

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; fields?: string[] };
}

/**
 * Asserts the one error shape every refusal has — `{"error":{"code","message","requestId"}}` as JSON,
 * with a code from the closed set whose status is the response's — and returns the error.
 */
export function expectErrorShape(response: LightMyRequestResponse): ErrorBody["error"] {
  const context = `${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(String(response.headers["content-type"]), context).toMatch(/^application\/json/);
  const body = response.json() as Partial<ErrorBody>;
  expect(body.error, context).toBeTypeOf("object");
  const error = body.error as ErrorBody["error"];
  expect(errorCodes, context).toContain(error.code);
  expect(statusOf(error.code as ErrorCode), context).toBe(response.statusCode);
  expect(error.message, context).toMatch(/\S/);
  expect(error.requestId, context).toMatch(/\S/);
  return error;
}

/** Asserts the status, the code and the error shape; returns the error for more checks. */
export function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body.slice(0, 300)).toBe(status);
  const error = expectErrorShape(response);
  expect(error.code).toBe(code);
  return error;
}

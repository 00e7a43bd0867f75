import type { FastifyInstance } from "fastify";

/**
 * An instance's place in its shutdown. Draining (from SIGTERM): /readyz answers 503 so the balancer
 * stops choosing this instance, every request is still served, and every response carries
 * `Connection: close` so no kept-alive connection outlives the drain (a balancer reusing a connection
 * the instance is closing is how a write fails without an answer).
 */
export class Lifecycle {
  isDraining = false;

  register(app: FastifyInstance): void {
    app.addHook("onSend", (_request, reply, payload, done) => {
      if (this.isDraining) reply.header("connection", "close");
      done(null, payload);
    });
  }
}

import type { Command } from "commander";
import { createKeywardVerifier } from "../../../packages/verify/src/verifier.js";
import { buildGateway } from "../../gateway/gateway.js";
import { loadGatewayConfig } from "../../gateway/gateway-config.js";
import { ConfigFileError } from "../../shared/yaml-file.js";
import { commandIndex } from "../command-index.js";
import { CommandFailure } from "../output.js";

/** `keyward gateway --config gateway.yaml`: Keyward's keys in front of a service that isn't in Node. */
export function registerGatewayCommand(program: Command): void {
  program
    .command("gateway")
    .description(commandIndex.gateway.description)
    .requiredOption("--config <file>", "the gateway's YAML (or JSON) file: upstream, Keyward, route rules")
    .action(async (options) => {
      let config: ReturnType<typeof loadGatewayConfig>;
      try {
        config = loadGatewayConfig(String(options.config));
      } catch (error) {
        if (error instanceof ConfigFileError) throw new CommandFailure(error.message);
        throw error;
      }
      const verifier = createKeywardVerifier({
        url: config.keyward.url,
        serviceToken: config.keyward.serviceToken,
        cacheSize: config.keyward.cacheSize,
        onError: (error) => app.log.warn({ err: error }, "Keyward verification or change stream failed"),
      });
      const app = await buildGateway({ config, verifier });
      const shutdown = async () => {
        verifier.close();
        await app.close();
        process.exit(0);
      };
      process.on("SIGTERM", () => void shutdown());
      process.on("SIGINT", () => void shutdown());
      await app.listen({ host: config.listen.host, port: config.listen.port });
      const address = app.server.address();
      const port = address && typeof address === "object" ? address.port : config.listen.port;
      process.stdout.write(`Keyward gateway on http://${config.listen.host}:${port} -> ${config.upstream}\n`);
      // Runs until a signal: the command's promise never settles.
      await new Promise(() => {});
    });
}

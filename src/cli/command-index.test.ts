import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commandIndex, invokedCommand, registerCommandsFor } from "./command-index.js";

const argv = (...words: string[]) => ["node", "keyward", ...words];

describe("The CLI's command index", () => {
  it("names the command a command line runs, including through `help`", () => {
    expect(invokedCommand(argv("keys", "list", "--account", "acc"))).toBe("keys");
    expect(invokedCommand(argv("--json", "service-tokens", "list"))).toBe("service-tokens");
    expect(invokedCommand(argv("help", "audit"))).toBe("audit");
    expect(invokedCommand(argv("--help"))).toBeUndefined();
    expect(invokedCommand(argv("nonsense"))).toBeUndefined();
    expect(invokedCommand(argv("toString"))).toBeUndefined();
  });

  it("lists every command with its description for help, without defining any of them", async () => {
    const program = new Command("keyward");
    await registerCommandsFor(program, argv("--help"));
    expect(program.commands.map((command) => [command.name(), command.description()])).toEqual(
      Object.entries(commandIndex).map(([name, entry]) => [name, entry.description]),
    );
    expect(program.commands.every((command) => command.commands.length === 0)).toBe(true);
  });

  it("loads, for each command, a module that defines it under the name and description the index shows", async () => {
    for (const [name, entry] of Object.entries(commandIndex)) {
      const program = new Command("keyward");
      await registerCommandsFor(program, argv(name));
      const defined = program.commands.find((command) => command.name() === name);
      expect(defined?.description(), name).toBe(entry.description);
      expect(
        defined?.options.length || defined?.commands.length,
        `${name} has options or subcommands`,
      ).toBeGreaterThan(0);
    }
  });
});

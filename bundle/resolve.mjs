// Prints, as JSON, the command, args and env an MCPB host such as Claude
// Desktop runs for an unpacked bundle with the given user configuration:
// @anthropic-ai/mcpb's own getMcpConfigForManifest does the substitution
// (${__dirname}, ${user_config.*}, defaults, this platform's overrides).
// It refuses, as the host does, when a required setting is missing.
//
//   node bundle/resolve.mjs UNPACKED_DIR '{"client_id":"…","client_secret":"…"}'
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, sep } from "node:path";
import { getMcpConfigForManifest } from "@anthropic-ai/mcpb";

const [dir, userConfigJSON = "{}"] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node resolve.mjs UNPACKED_DIR [USER_CONFIG_JSON]");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const config = await getMcpConfigForManifest({
  manifest,
  extensionPath: dir,
  systemDirs: { HOME: homedir() },
  userConfig: JSON.parse(userConfigJSON),
  pathSeparator: sep,
});
if (!config) {
  console.error("the bundle's required settings are missing; the host would not start it");
  process.exit(1);
}
console.log(JSON.stringify({ command: config.command, args: config.args ?? [], env: config.env ?? {} }));

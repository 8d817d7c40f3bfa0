import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/connector.js");
const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
const built = existsSync(path.join(root, "dist/cli.js"));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drives `connector init` in a real terminal (tmux) and answers its questions. */
describe.runIf(hasTmux && built)("connector init on a TTY", () => {
  it("asks for what no flag gave, with defaults derived from the name", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "ck-tty-"));
    const session = `ck-init-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });
    tmux(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      "160",
      "-y",
      "40",
      "-c",
      cwd,
      `${process.execPath} ${bin} init --skip-install --no-git; echo EXIT=$?; sleep 30`,
    );
    const screen = () => tmux("capture-pane", "-p", "-t", session);
    const waitFor = async (text: string) => {
      for (let i = 0; i < 100; i++) {
        if (screen().includes(text)) return;
        await sleep(100);
      }
      throw new Error(`"${text}" never appeared:\n${screen()}`);
    };
    try {
      await waitFor("Project directory");
      tmux("send-keys", "-t", session, "warehouse-db", "Enter");
      await waitFor("Template");
      tmux("send-keys", "-t", session, "Down", "Down", "Enter"); // appflow-typescript → glue-athena → glue-jdbc
      await waitFor("Description");
      expect(screen()).toContain("WarehouseDb JDBC driver for AWS Glue");
      tmux("send-keys", "-t", session, "Enter");
      await waitFor("Publisher name");
      tmux("send-keys", "-t", session, "C-u", "Acme Data", "Enter");
      await waitFor("JDBC driver class");
      tmux("send-keys", "-t", session, "Enter");
      await waitFor("EXIT=0");
      const config = JSON.parse(readFileSync(path.join(cwd, "warehouse-db/connector.json"), "utf8"));
      expect(config.glue).toMatchObject({
        connectorType: "JDBC",
        className: "com.example.warehouse_db.Driver",
        publisherName: "Acme Data",
      });
    } finally {
      spawnSync("tmux", ["kill-session", "-t", session]);
    }
  });
});

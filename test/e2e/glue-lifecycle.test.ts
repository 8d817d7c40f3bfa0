/**
 * The Glue Marketplace path, command by command, ending the way a Glue job starts: init glue-jdbc,
 * build the driver skeleton, test, package (no Docker), push to the registry through the ECR-like
 * proxy, then do what Glue's downloader does (reference §5: ECR token, GET the manifest by tag,
 * GET and gunzip every layer, untar them into one folder, collect every *.jar under jars/), and
 * finally build the deep link for the pushed image.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDeepLink } from "../../src/glue/deeplink.js";
import { runCli } from "../helpers/cli.js";
import { type EcrProxy, startEcrProxy } from "../stack/ecr-proxy.js";
import { MOTO_ENV, type Moto, motoAvailable, startMoto } from "../stack/moto.js";
import { available } from "../stack/process.js";
import { type Registry, registryAvailable, startRegistry } from "../stack/registry.js";

const ready = motoAvailable && registryAvailable && available("javac", ["-version"]) && available("tar");

function jarsBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".jar")).sort();
}

describe.runIf(ready)("Glue connector lifecycle, down to what a Glue job downloads", () => {
  let moto: Moto;
  let registry: Registry;
  let proxy: EcrProxy;
  let env: NodeJS.ProcessEnv;
  const work = mkdtempSync(path.join(tmpdir(), "ck-glue-e2e-"));
  const dir = path.join(work, "simpledb");

  beforeAll(async () => {
    moto = await startMoto();
    mkdirSync(path.join(work, "registry"));
    registry = await startRegistry({ dir: path.join(work, "registry") });
    proxy = await startEcrProxy({ registryPort: registry.port, motoUrl: moto.url });
    env = {
      ...MOTO_ENV,
      HOME: work,
      XDG_CACHE_HOME: path.join(work, "cache"),
      CONNECTOR_ECR_ENDPOINT: moto.url,
    };
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    await moto?.stop();
  });

  it("ships the jars and config.json where Glue's downloader finds them", async () => {
    const cli = async (args: string[], cwd = dir) => {
      const r = await runCli([...args, "--json"], { cwd, env });
      expect(r.code, `${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
      return r.json().result as Record<string, unknown>;
    };
    await cli(
      [
        "init",
        dir,
        "--template",
        "glue-jdbc",
        "--class-name",
        "com.example.simpledb.Driver",
        "--yes",
        "--no-git",
      ],
      work,
    );
    execFileSync("sh", ["build.sh"], { cwd: dir, stdio: "pipe" });
    const suite = await cli(["test"]);
    expect(suite).toMatchObject({ failed: 0 });

    const packaged = await cli(["package"]);
    expect(packaged.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    const pushed = await cli([
      "push",
      "--ecr-repo-name",
      "example-corp/simpledb",
      "--registry-url",
      proxy.url,
    ]);
    expect(pushed.tag).toBe("1.0.0");

    // Glue's downloader: token for the registry, manifest by tag, every layer gunzipped and untarred
    // into one folder (no whiteout handling), then every *.jar below jars/.
    const tokenOut = spawnSync(
      "python3",
      [
        "-c",
        "import boto3,sys; c=boto3.client('ecr',endpoint_url=sys.argv[1],region_name='us-east-1'); " +
          "print(c.get_authorization_token()['authorizationData'][0]['authorizationToken'])",
        moto.url,
      ],
      { encoding: "utf8", env: { ...process.env, ...MOTO_ENV } },
    );
    const token = tokenOut.stdout.trim();
    expect(Buffer.from(token, "base64").toString()).toMatch(/^AWS:/);
    const headers = {
      authorization: `Basic ${token}`,
      // The local registry, unlike ECR, would rewrite a v2s2 manifest for Accept: */* (reference
      // local-test-stack §2.4), so ask for the manifest types explicitly.
      accept:
        "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
    };
    const base = `${proxy.url}/v2/example-corp/simpledb`;
    const manifestRes = await fetch(`${base}/manifests/1.0.0`, { headers });
    expect(manifestRes.status).toBe(200);
    const manifest = (await manifestRes.json()) as { layers: { digest: string; mediaType: string }[] };
    expect(manifest.layers.length).toBeGreaterThan(0);
    const unpacked = path.join(work, "glue-job");
    mkdirSync(unpacked);
    for (const layer of manifest.layers) {
      expect(layer.digest).toMatch(/^[a-z0-9]+:[a-z0-9]+$/);
      const blob = Buffer.from(
        await (await fetch(`${base}/blobs/${layer.digest}`, { headers })).arrayBuffer(),
      );
      const tarFile = path.join(work, "layer.tar");
      writeFileSync(tarFile, gunzipSync(blob));
      // Glue extracts with --no-unsafe-links (an option GNU tar does not have): the layer must hold no
      // links at all, only regular files and directories.
      const listing = execFileSync("tar", ["-tvf", tarFile], { encoding: "utf8" }).trim().split("\n");
      expect(
        listing.every((line) => line.startsWith("-") || line.startsWith("d")),
        listing.join("\n"),
      ).toBe(true);
      execFileSync("tar", ["-xf", tarFile, "-C", unpacked]);
    }
    expect(jarsBelow(path.join(unpacked, "jars"))).toEqual(["simpledb.jar"]);
    const config = JSON.parse(readFileSync(path.join(unpacked, "jars/config.json"), "utf8"));
    expect(config).toMatchObject({
      connectiontype: "MARKETPLACE",
      classname: "com.example.simpledb.Driver",
      connectortype: "JDBC",
      version: "1.0.0",
    });
    expect(Object.keys(config).sort()).toEqual(
      [
        "classname",
        "connectiontype",
        "connectortype",
        "description",
        "publishername",
        "releasetimestamp",
        "supportinformation",
        "version",
      ].sort(),
    );
    // The driver in the downloaded jar loads and registers itself with java.sql.DriverManager.
    const services = execFileSync(
      "unzip",
      ["-p", path.join(unpacked, "jars/simpledb.jar"), "META-INF/services/java.sql.Driver"],
      { encoding: "utf8" },
    );
    expect(services.trim()).toBe("com.example.simpledb.Driver");

    // The deep link for the listing, with the Marketplace image URL of this version.
    const url = "https://709825985650.dkr.ecr.us-east-1.amazonaws.com/example-corp/simpledb:1.0.0";
    const link = await cli(["deeplink", "--url", url]);
    const fields = parseDeepLink(String(link.url));
    expect(fields).toMatchObject({
      connectorType: "Jdbc",
      connectorUrl: url,
      connectorVersion: "1.0.0",
      connectorClassName: "com.example.simpledb.Driver",
      paramsDelimiter: ";",
      jdbcUrlTemplates: [
        {
          title: "User and password",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: Glue's placeholders, not JavaScript's
          url: "jdbc:simpledb://${Host}:${Port}/${Database};user=${Username};password=${Password}",
        },
      ],
    });
  }, 180_000);
});

import type { ProgressListener } from "../ui/reporter.js";

export interface PostStepResult {
  step: "npm-install" | "git-init";
  status: "done" | "skipped" | "failed";
  /** Why it was skipped or how it failed (first lines of stderr). */
  reason?: string;
  /** The command to run by hand when it failed. */
  rerun?: string;
}

export interface PostStepOptions {
  target: string;
  install: boolean;
  /** Why there is no install (reported in the result); default `--skip-install`. */
  skipInstallReason?: string;
  git: boolean;
  env?: NodeJS.ProcessEnv;
  onEvent?: ProgressListener;
}

/**
 * `npm install` and `git init` + first commit in a new project. A failing step never undoes the
 * project: it is reported with the command to re-run, and the next step still runs.
 */
export async function runPostSteps(options: PostStepOptions): Promise<PostStepResult[]> {
  const { execa } = await import("execa");
  const env = { ...(options.env ?? process.env) };
  const results: PostStepResult[] = [];
  const emit = options.onEvent ?? (() => {});

  if (!options.install) {
    results.push({
      step: "npm-install",
      status: "skipped",
      reason: options.skipInstallReason ?? "--skip-install",
    });
  } else {
    emit({
      type: "step",
      id: "npm-install",
      status: "start",
      title: "Installing dependencies (npm install)",
    });
    const r = await execa("npm", ["install", "--no-audit", "--no-fund"], {
      cwd: options.target,
      env,
      reject: false,
      all: true,
    });
    if (r.exitCode === 0) {
      results.push({ step: "npm-install", status: "done" });
      emit({ type: "step", id: "npm-install", status: "done", title: "Installed dependencies" });
    } else {
      const reason = tail(r.all ?? String(r.message));
      results.push({
        step: "npm-install",
        status: "failed",
        reason,
        rerun: `cd ${options.target} && npm install`,
      });
      emit({ type: "step", id: "npm-install", status: "fail", title: "npm install failed" });
    }
  }

  if (!options.git) {
    results.push({ step: "git-init", status: "skipped", reason: "--no-git" });
    return results;
  }
  const hasGit = await execa("git", ["--version"], { reject: false, env });
  if (hasGit.exitCode !== 0) {
    results.push({ step: "git-init", status: "skipped", reason: "git is not installed" });
    return results;
  }
  const inside = await execa("git", ["rev-parse", "--is-inside-work-tree"], {
    cwd: options.target,
    reject: false,
    env,
  });
  if (inside.exitCode === 0 && inside.stdout.trim() === "true") {
    results.push({ step: "git-init", status: "skipped", reason: "already inside a git work tree" });
    return results;
  }
  emit({ type: "step", id: "git-init", status: "start", title: "Creating a git repository" });
  const identity = await execa("git", ["config", "user.email"], { cwd: options.target, reject: false, env });
  const who =
    identity.exitCode === 0
      ? []
      : ["-c", "user.name=connectorkit", "-c", "user.email=connectorkit@localhost"];
  const steps: string[][] = [
    ["init", "-q"],
    ["add", "-A"],
    [...who, "commit", "-q", "-m", "Initial commit from connectorkit"],
  ];
  for (const args of steps) {
    const r = await execa("git", args, { cwd: options.target, reject: false, env, all: true });
    if (r.exitCode !== 0) {
      results.push({
        step: "git-init",
        status: "failed",
        reason: tail(r.all ?? String(r.message)),
        rerun: `cd ${options.target} && git init && git add -A && git commit -m "Initial commit"`,
      });
      emit({ type: "step", id: "git-init", status: "fail", title: "git init failed" });
      return results;
    }
  }
  results.push({ step: "git-init", status: "done" });
  emit({
    type: "step",
    id: "git-init",
    status: "done",
    title: "Created a git repository with a first commit",
  });
  return results;
}

function tail(text: string, lines = 5): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

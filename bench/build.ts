import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './paths.js';

/**
 * Where the benchmark's builds of the product go: inside node_modules so the compiled files resolve the
 * project's dependencies, and out of git's way. One directory per benchmark process (`run-<pid>`), so
 * runs started at the same time in one tree never delete each other's build.
 */
export const BUILD_ROOT = join(REPO_ROOT, 'node_modules', '.cache', 'alertcord-bench');
const BUILD_DIR = join(BUILD_ROOT, `run-${process.pid}`);

/**
 * Compiles src/ (the product, as `npm run build` and the Dockerfile ship it: `node dist/main.js`) and
 * bench/bare-server.ts and bench/edge-server.ts to plain JavaScript with tsconfig.build.json's options, transpile-only (the type
 * check is `npm run typecheck`'s job). Running compiled code keeps tsx's transpiler out of the servers'
 * CPU and memory. Returns the entry points.
 */
export function buildServers(): { alertcordMain: string; bareServer: string; edgeServer: string } {
  removeStaleBuilds();
  rmSync(BUILD_DIR, { recursive: true, force: true });
  process.once('exit', () => rmSync(BUILD_DIR, { recursive: true, force: true }));
  const options = compilerOptions();
  buildSource(join(REPO_ROOT, 'src'), BUILD_DIR, options);
  for (const server of ['bare-server.ts', 'edge-server.ts']) emit(join(REPO_ROOT, 'bench', server), join(BUILD_DIR, 'bench'), join(REPO_ROOT, 'bench'), options);
  return {
    alertcordMain: join(BUILD_DIR, 'src', 'main.js'),
    bareServer: join(BUILD_DIR, 'bench', 'bare-server.js'),
    edgeServer: join(BUILD_DIR, 'bench', 'edge-server.js'),
  };
}

/**
 * Compiles another tree's src/ (bench/compare.ts: an earlier commit) the same way, beside this run's build;
 * it resolves the dependencies installed now. Returns its entry point.
 */
export function buildOtherSource(src: string, name: string): string {
  const out = `${BUILD_DIR}-${name}`;
  rmSync(out, { recursive: true, force: true });
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  buildSource(src, out, compilerOptions());
  return join(out, 'src', 'main.js');
}

/** src/ compiled file by file into `out`/src, assets copied, as an ES module package. */
function buildSource(src: string, out: string, options: ts.CompilerOptions): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{ "type": "module", "private": true }\n');
  for (const file of files(src)) {
    if (isTypeScript(file)) emit(file, join(out, 'src'), src, options);
    else copy(file, join(out, 'src', relative(src, file)));
  }
}

/** Builds left by benchmark processes that are gone (killed before their exit hook ran). */
function removeStaleBuilds(): void {
  if (!existsSync(BUILD_ROOT)) return;
  for (const entry of readdirSync(BUILD_ROOT)) {
    const pid = Number(/^run-(\d+)(?:-[\w-]+)?$/.exec(entry)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) rmSync(join(BUILD_ROOT, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function compilerOptions(): ts.CompilerOptions {
  const path = join(REPO_ROOT, 'tsconfig.build.json');
  const read = ts.readConfigFile(path, (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, REPO_ROOT);
  // transpileModule cannot see package.json's "type": "module", so NodeNext would emit CommonJS: say ESM.
  return { ...parsed.options, module: ts.ModuleKind.ES2022, sourceMap: false, declaration: false, noEmit: false };
}

function emit(file: string, outRoot: string, srcRoot: string, options: ts.CompilerOptions): void {
  const out = join(outRoot, relative(srcRoot, file)).replace(/\.ts$/, '.js');
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, outputText);
}

/** Assets next to the code (e.g. files a module reads relative to itself) ship as they are. */
function copy(file: string, out: string): void {
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(file, out);
}

function isTypeScript(file: string): boolean {
  return file.endsWith('.ts') && !file.endsWith('.d.ts');
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

/**
 * A StrykerJS checker plugin: a mutant that does not type-check is a compile error, not a test
 * run. It does what @stryker-mutator/typescript-checker does, at about a tenth of the cost.
 *
 * Why not that checker: it changes the file in a TypeScript watch-mode solution builder, which
 * parses and binds the whole program again on every build (tsbuild enables its source-file cache
 * for one build only, then drops it) and waits 250 ms after each change (an editor's debounce).
 * With the auth0 SDK's ~1,200 declaration files in scripts/deploy's program that was ~2 s per
 * mutant on this machine, and the checker, one process at concurrency 2, was most of the run.
 *
 * Here one compiler host keeps every parsed file, and each mutant builds a new program from the
 * previous one (ts.createProgram's `oldProgram`): only the mutated file is parsed again. The
 * mutated file is type-checked; when its declaration output (what importers can see) differs
 * from the original's, so is every file that imports it, directly or not. That is the rule
 * TypeScript's own builder uses to decide what a change affects.
 *
 * Configured by `tsconfigFile` (stryker.config.mjs); the checker reads the original sources from
 * the project directory, as Stryker's own does, so nothing may edit them while a run is going.
 */
import path from 'node:path';
import ts from 'typescript';
import { CheckStatus } from '@stryker-mutator/api/check';
import { PluginKind, commonTokens, declareClassPlugin, tokens } from '@stryker-mutator/api/plugin';

// The same relaxations Stryker's checker makes: a mutant that leaves code unused or unreachable
// is still a program. Declaration output is only compared, never written.
const CHECK_OPTIONS = {
  allowUnreachableCode: true,
  noUnusedLocals: false,
  noUnusedParameters: false,
  noEmit: false,
  declaration: true,
  emitDeclarationOnly: true,
  declarationMap: false,
  incremental: false,
  composite: false,
};

const normalize = (fileName) => path.resolve(fileName).split(path.sep).join('/');

export class IncrementalTypescriptChecker {
  static inject = tokens(commonTokens.logger, commonTokens.options);

  constructor(logger, options) {
    this.logger = logger;
    this.tsconfigFile = options.tsconfigFile ?? 'tsconfig.json';
    /** normalized file name -> the file's original SourceFile, parsed once */
    this.parsed = new Map();
    /** normalized file name -> declaration output of the original */
    this.originalDeclarations = new Map();
    /** normalized file name -> the project files that import it, directly or not */
    this.importers = new Map();
    this.mutated = undefined;
  }

  async init() {
    const config = ts.getParsedCommandLineOfConfigFile(this.tsconfigFile, CHECK_OPTIONS, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(`ERR_MUTATION_TSCONFIG: ${this.tsconfigFile} cannot be read: ${formatDiagnostics([diagnostic])}`);
      },
    });
    if (config.errors.length > 0) {
      throw new Error(`ERR_MUTATION_TSCONFIG: ${this.tsconfigFile}: ${formatDiagnostics(config.errors)}`);
    }
    this.rootNames = config.fileNames;
    this.compilerOptions = config.options;
    this.host = this.createHost();
    this.program = ts.createProgram({ rootNames: this.rootNames, options: this.compilerOptions, host: this.host });
    const errors = ts.getPreEmitDiagnostics(this.program);
    if (errors.length > 0) {
      throw new Error(`ERR_MUTATION_DRY_RUN_TYPES: the unmutated sources do not type-check (${this.tsconfigFile}):\n${formatDiagnostics(errors)}`);
    }
    this.mapImporters();
    this.logger.info(`Type-checking mutants against ${this.projectFiles().length} files of ${this.tsconfigFile}.`);
  }

  /** One mutant per check: a check costs a fraction of a test run, so grouping buys little. */
  async check(mutants) {
    const results = {};
    for (const mutant of mutants) {
      results[mutant.id] = this.checkOne(mutant);
    }
    return results;
  }

  checkOne(mutant) {
    const fileName = normalize(mutant.fileName);
    const original = this.parsed.get(fileName);
    if (original === undefined || !this.importers.has(fileName)) {
      return { status: CheckStatus.Passed }; // not part of the typed project: nothing to say
    }
    const text = original.text;
    const start = original.getPositionOfLineAndCharacter(mutant.location.start.line, mutant.location.start.column);
    const end = original.getPositionOfLineAndCharacter(mutant.location.end.line, mutant.location.end.column);
    this.mutated = { fileName, text: `${text.slice(0, start)}${mutant.replacement}${text.slice(end)}` };
    try {
      this.program = ts.createProgram({ rootNames: this.rootNames, options: this.compilerOptions, host: this.host, oldProgram: this.program });
      const sourceFile = this.program.getSourceFile(fileName);
      let errors = [...this.program.getSyntacticDiagnostics(sourceFile), ...this.program.getSemanticDiagnostics(sourceFile)];
      if (errors.length === 0 && this.declarationsOf(sourceFile) !== this.originalDeclarations.get(fileName)) {
        for (const importer of this.importers.get(fileName)) {
          errors = errors.concat(this.program.getSemanticDiagnostics(this.program.getSourceFile(importer)));
        }
      }
      return errors.length === 0 ? { status: CheckStatus.Passed } : { status: CheckStatus.CompileError, reason: formatDiagnostics(errors) };
    } finally {
      this.mutated = undefined;
    }
  }

  createHost() {
    const host = ts.createCompilerHost(this.compilerOptions, true);
    const readSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const key = normalize(fileName);
      if (this.mutated?.fileName === key) {
        return ts.createSourceFile(fileName, this.mutated.text, languageVersion, true);
      }
      let sourceFile = this.parsed.get(key);
      if (sourceFile === undefined) {
        sourceFile = readSourceFile(fileName, languageVersion, onError, shouldCreate);
        if (sourceFile !== undefined) this.parsed.set(key, sourceFile);
      }
      return sourceFile;
    };
    return host;
  }

  projectFiles() {
    return this.program.getSourceFiles().filter((file) => !file.isDeclarationFile && !file.fileName.includes('/node_modules/'));
  }

  mapImporters() {
    const files = this.projectFiles();
    /** normalized file name -> the project files it imports directly */
    const imports = new Map();
    for (const file of files) {
      const key = normalize(file.fileName);
      this.originalDeclarations.set(key, this.declarationsOf(file));
      const resolved = ts.preProcessFile(file.text, true, true).importedFiles
        .map(({ fileName }) => ts.resolveModuleName(fileName, file.fileName, this.compilerOptions, this.host).resolvedModule)
        .filter((module) => module !== undefined && !module.isExternalLibraryImport)
        .map((module) => normalize(module.resolvedFileName));
      imports.set(key, resolved);
    }
    for (const file of files) {
      const key = normalize(file.fileName);
      const importers = new Set();
      let reached = [key];
      while (reached.length > 0) {
        const next = [];
        for (const [importer, imported] of imports) {
          if (!importers.has(importer) && importer !== key && reached.some((name) => imported.includes(name))) {
            importers.add(importer);
            next.push(importer);
          }
        }
        reached = next;
      }
      this.importers.set(key, [...importers]);
    }
  }

  declarationsOf(sourceFile) {
    let output = '';
    try {
      this.program.emit(sourceFile, (_name, text) => { output += text; }, undefined, true);
    } catch (err) {
      // A tree the emitter cannot print: treat the file's shape as changed, check its importers.
      return `unprintable: ${err instanceof Error ? err.message : String(err)}`;
    }
    return output;
  }
}

function formatDiagnostics(diagnostics) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (fileName) => fileName,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  });
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Checker, 'incremental-typescript', IncrementalTypescriptChecker)];

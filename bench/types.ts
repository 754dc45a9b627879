/** One row of a scenario's table: what is measured, and the target it is judged against (if any). */
export interface Metric {
  readonly key: string;
  readonly label: string;
  readonly target?: string;
}

/** One system's column: values by metric key, and pass/fail where the metric has a target. */
export interface SystemResult {
  readonly system: string;
  readonly values: Readonly<Record<string, string>>;
  readonly pass?: Readonly<Record<string, boolean>>;
}

/** What one scenario contributes to a table (several scenarios may share one table, side by side). */
export interface ScenarioOutput {
  readonly table: string;
  readonly title: string;
  readonly metrics: readonly Metric[];
  readonly systems: readonly SystemResult[];
  readonly notes: readonly string[];
}

/** A table of results: metrics as rows, systems as columns. */
export interface ResultTable {
  readonly id: string;
  title: string;
  metrics: Metric[];
  systems: SystemResult[];
  notes: string[];
}

/** A benchmark scenario, selectable with `--only <id>`. */
export interface Scenario {
  readonly id: string;
  readonly describe: string;
  /** Resolves with the scenario's outputs; `skip` explains why nothing was measured. */
  run(): Promise<ScenarioOutput[] | { skip: string }>;
}

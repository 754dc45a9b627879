import { fileURLToPath } from 'node:url';

/** The repository root (bench/..): servers run from there, with the shipped config/alertcord.yaml. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

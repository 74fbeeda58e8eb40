/**
 * chalk behind a module of its own, in the bundle layer of a refresh (scripts/fast-paths.json): a
 * refresh with stderr on a terminal colours its messages without loading the layer that holds
 * commander and every command.
 */
export { Chalk } from 'chalk';

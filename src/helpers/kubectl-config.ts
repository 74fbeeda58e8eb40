/**
 * `azsess setup kubectl`: a kubeconfig user whose exec plugin is `azsess token --output
 * exec-credential`, and the context pointed at it, written by kubectl itself (`kubectl config`),
 * so KUBECONFIG and its merge rules apply as for any other kubectl change.
 */

/** Understood by kubectl 1.11 and later (Debian's 1.20 knows no v1). */
export const execApiVersion = 'client.authentication.k8s.io/v1beta1';

export interface KubectlSetup {
  context: string;
  /** The azsess command kubectl runs. */
  command: string;
  /** Arguments after `token --output exec-credential` (settings, --server-id, --home). */
  extraArgs: readonly string[];
  /** kubectl 1.30+ can record interactiveMode; older ones default to IfAvailable for v1beta1. */
  interactiveModeFlag: boolean;
}

/** A user of its own per context, so no other context's credentials change. */
export function kubectlUserName(context: string): string {
  return `azsess-${context}`;
}

export function execArgs(setup: KubectlSetup): string[] {
  return ['token', '--output', 'exec-credential', ...setup.extraArgs];
}

/** `kubectl` arguments: set the user, then point the context at it. */
export function kubectlSetupCommands(setup: KubectlSetup): string[][] {
  const user = kubectlUserName(setup.context);
  return [
    ['config', 'set-credentials', user, `--exec-api-version=${execApiVersion}`, `--exec-command=${setup.command}`,
      ...execArgs(setup).map((arg) => `--exec-arg=${arg}`),
      ...(setup.interactiveModeFlag ? ['--exec-interactive-mode=IfAvailable'] : [])],
    ['config', 'set-context', setup.context, `--user=${user}`],
  ];
}

/** The kubeconfig `users[]` entry, as a person would paste it (docs/helpers.md shows the same). */
export function describeKubectlUser(setup: KubectlSetup): string {
  return [
    `- name: ${kubectlUserName(setup.context)}`,
    '  user:',
    '    exec:',
    `      apiVersion: ${execApiVersion}`,
    `      command: ${JSON.stringify(setup.command)}`,
    '      args:',
    ...execArgs(setup).map((arg) => `        - ${JSON.stringify(arg)}`),
    '      interactiveMode: IfAvailable',
  ].join('\n');
}

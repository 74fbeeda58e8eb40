import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeKubectlUser, kubectlSetupCommands } from '../../../src/helpers/kubectl-config.js';

test('setup kubectl: a user of its own with the exec plugin, then the context pointed at it', () => {
  const setup = { context: 'prod', command: 'azsess', extraArgs: ['--tenant', 'contoso.com'], interactiveModeFlag: true };
  assert.deepEqual(kubectlSetupCommands(setup), [
    ['config', 'set-credentials', 'azsess-prod', '--exec-api-version=client.authentication.k8s.io/v1beta1', '--exec-command=azsess',
      '--exec-arg=token', '--exec-arg=--output', '--exec-arg=exec-credential', '--exec-arg=--tenant', '--exec-arg=contoso.com',
      '--exec-interactive-mode=IfAvailable'],
    ['config', 'set-context', 'prod', '--user=azsess-prod'],
  ]);
  assert.ok(!kubectlSetupCommands({ ...setup, interactiveModeFlag: false })[0]!.some((a) => a.includes('interactive')));
  assert.equal(
    describeKubectlUser(setup),
    [
      '- name: azsess-prod',
      '  user:',
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1beta1',
      '      command: "azsess"',
      '      args:',
      '        - "token"',
      '        - "--output"',
      '        - "exec-credential"',
      '        - "--tenant"',
      '        - "contoso.com"',
      '      interactiveMode: IfAvailable',
    ].join('\n'),
  );
});

import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { parseClaimsArgument } from '../../core/claims.js';

export { credentialInput, readCertificatePassword, type CredentialOptions } from '../credential-input.js';


export function addCredentialOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--claims <json>', 'a claims challenge from a resource (JSON, or its base64): get a new token asking for these claims')
        .argParser(parseClaimsArgument),
    )
    .option('--cae', 'declare the cp1 client capability (continuous access evaluation); CAE tokens are cached apart')
    .option('--client-certificate <path>', 'client-credentials: PEM file with the private key and its certificate (default $AZURE_CLIENT_CERTIFICATE_PATH)', (v) => resolve(v))
    .option('--client-certificate-password-stdin', "read the encrypted key's password from one line of stdin (default $AZURE_CLIENT_CERTIFICATE_PASSWORD)")
    .addOption(new Option('--certificate-alg <alg>', 'certificate assertion signature: PS256 with x5t#S256 (default), or RS256 with x5t').choices(['PS256', 'RS256']))
    .option('--send-certificate-chain', 'add the certificate chain (x5c) to the assertion, for subject name and issuer authentication')
    .addOption(
      new Option('--federated-token-source <source>', 'federated: where the token comes from (default auto: from the environment)')
        .choices(['auto', 'file', 'github', 'azure-pipelines']),
    )
    .option('--federated-token-file <path>', 'federated: file holding the token, read for every request (default $AZURE_FEDERATED_TOKEN_FILE)', (v) => resolve(v))
    .option('--federated-audience <audience>', 'federated, github: the audience to ask GitHub for (default api://AzureADTokenExchange)')
    .option('--service-connection-id <id>', 'federated, azure-pipelines: the service connection (default $AZURESUBSCRIPTION_SERVICE_CONNECTION_ID)');
}
